"""Visitors taking seats at once (PostgreSQL, real concurrent writers): never oversold."""

import datetime as dt

import pytest

from bookings.models import Booking
from bookings.services.group_bookings import booking_action, class_create, seat_create
from scheduling.errors import ValidationFailed
from tests.clock import FROZEN_NOW
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import make_account

pytestmark = needs_concurrent_writers

START = FROZEN_NOW + dt.timedelta(days=2)


@pytest.fixture
def klass(app_creds):
    return class_create(
        application=app_creds.application,
        account=make_account(app_creds.application),
        start=START,
        end=START + dt.timedelta(hours=1),
        max_seats=20,
    )


def attempt(application, klass, n: int, seats: int = 1) -> str:
    try:
        seat_create(
            application=application,
            owner_booking_id=klass.booking_id,
            customer_name=f"Visitor {n}",
            customer_email=f"v{n}@example.test",
            seats=seats,
        )
    except ValidationFailed as exc:
        return next(iter(exc.errors.values()))[0][0]
    return "booked"


def test_fifty_visitors_for_twenty_seats_get_exactly_twenty(app_creds, klass):
    outcomes = race(50, lambda n: attempt(app_creds.application, klass, n))
    assert sorted(outcomes) == ["booked"] * 20 + ["class_full"] * 30
    klass.refresh_from_db()
    assert klass.taken_seats == 20
    assert Booking.objects.filter(owner_booking=klass, state="confirmed").count() == 20


def test_seats_racing_the_class_cancel_all_end_cancelled_and_freed(app_creds, klass):
    def run(n: int) -> str:
        if n == 0:
            booking_action(
                application=app_creds.application, booking_id=klass.booking_id, action="cancel"
            )
            return "cancelled"
        return attempt(app_creds.application, klass, n, seats=2)

    outcomes = race(12, run)
    assert set(outcomes) <= {"cancelled", "booked", "class_cancelled", "class_full"}
    klass.refresh_from_db()
    assert (klass.state, klass.taken_seats) == ("cancelled", 0)
    assert not Booking.objects.filter(owner_booking=klass, state="confirmed").exists()
