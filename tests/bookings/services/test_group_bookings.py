"""Classes and seats through the services (SQLite and PostgreSQL)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from bookings.engine.graphs import ActionNotAllowed
from bookings.models import Booking
from bookings.services.group_bookings import (
    booking_action,
    seat_cancel,
    seat_create,
)
from scheduling.errors import ValidationFailed
from scheduling.models import Event
from tests.bookings.classes import HOUR, START, make_class, take
from tests.clock import FROZEN_NOW

pytestmark = pytest.mark.django_db


def refusal(call) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    ((field, problems),) = caught.value.errors.items()
    return field, problems[0][0]


def taken(klass) -> int:
    klass.refresh_from_db()
    return klass.taken_seats


def test_class_create_writes_its_event_into_the_resource_calendar(app_creds, resource):
    klass = make_class(app_creds, resource, where="Hill Valley")
    assert klass.state == "tentative"
    event = Event.objects.get(pk=klass.event_id)
    assert (event.calendar.account, event.start, event.end) == (resource, START, START + HOUR)
    assert (event.summary, event.location_description) == ("Flux capacitance", "Hill Valley")


def test_class_create_rejects_no_seats(app_creds, resource):
    assert refusal(lambda: make_class(app_creds, resource, max_seats=0)) == (
        "max_seats",
        "below_one",
    )
    assert not Booking.objects.exists()


def test_seat_create_takes_seats(app_creds, resource):
    klass = make_class(app_creds, resource)
    seat = take(app_creds, klass, seats=3)
    assert (seat.graph, seat.state, seat.seats, seat.owner_booking) == (
        "group_customer",
        "confirmed",
        3,
        klass,
    )
    assert (seat.start, seat.customer_email) == (START, "marty@example.test")
    assert taken(klass) == 3


def test_seat_create_rejects_when_full(app_creds, resource):
    klass = make_class(app_creds, resource, max_seats=3)
    take(app_creds, klass, seats=2)
    assert refusal(lambda: take(app_creds, klass, seats=2)) == ("seats", "class_full")
    take(app_creds, klass, seats=1)
    assert taken(klass) == 3
    assert klass.seat_bookings.count() == 2


def test_seat_create_rejects_seats_below_one(app_creds, resource):
    klass = make_class(app_creds, resource)
    assert refusal(lambda: take(app_creds, klass, seats=0)) == ("seats", "seats_below_one")
    assert taken(klass) == 0


def test_seat_create_rejects_an_unknown_class(app_creds, resource):
    klass = make_class(app_creds, resource)
    klass.booking_id = "6a0c5a52-6f7b-4bd4-8d0e-2a3a6e0f0d11"
    assert refusal(lambda: take(app_creds, klass)) == ("owner_booking_id", "not_found")


def test_seat_create_rejects_another_applications_class(app_creds, resource):
    from tests.factories import make_application

    other = make_application("Other")
    klass = make_class(app_creds, resource)
    with pytest.raises(ValidationFailed):
        seat_create(
            application=other.application,
            owner_booking_id=klass.booking_id,
            customer_name="Biff",
            customer_email="biff@example.test",
            now=FROZEN_NOW,
        )


def test_seat_create_rejects_a_cancelled_class(app_creds, resource):
    klass = make_class(app_creds, resource)
    booking_action(
        application=app_creds.application,
        booking_id=klass.booking_id,
        action="cancel",
        now=FROZEN_NOW,
    )
    assert refusal(lambda: take(app_creds, klass)) == ("owner_booking_id", "class_cancelled")


def test_seat_create_rejects_a_past_class(app_creds, resource):
    klass = make_class(app_creds, resource)
    assert refusal(lambda: take(app_creds, klass, now=START)) == ("owner_booking_id", "class_past")


def test_seat_create_rejects_outside_the_booking_window(app_creds, resource):
    klass = make_class(app_creds, resource, min_booking_time=HOUR, max_booking_time=24 * HOUR)
    too_early, too_late = START - 25 * HOUR, START - HOUR / 2
    assert refusal(lambda: take(app_creds, klass, now=too_early))[1] == "booking_not_open"
    assert refusal(lambda: take(app_creds, klass, now=too_late))[1] == "booking_closed"
    take(app_creds, klass, now=START - 2 * HOUR)
    assert taken(klass) == 1


def test_seat_cancel_frees_its_seats(app_creds, resource):
    klass = make_class(app_creds, resource)
    seat = take(app_creds, klass, seats=4)
    seat = seat_cancel(
        application=app_creds.application, booking_id=seat.booking_id, now=FROZEN_NOW
    )
    assert seat.state == "cancelled_by_customer"
    assert taken(klass) == 0


def test_seat_cancel_by_owner_frees_its_seats(app_creds, resource):
    klass = make_class(app_creds, resource)
    seat = take(app_creds, klass, seats=4)
    seat = seat_cancel(
        application=app_creds.application,
        booking_id=seat.booking_id,
        by_owner=True,
        now=FROZEN_NOW,
    )
    assert seat.state == "cancelled_by_owner"
    assert taken(klass) == 0


def test_seat_cancel_by_customer_refused_after_min_cancel_time(app_creds, resource):
    klass = make_class(app_creds, resource, min_cancel_time=2 * HOUR)
    seat = take(app_creds, klass)
    late = START - HOUR
    assert refusal(
        lambda: seat_cancel(application=app_creds.application, booking_id=seat.booking_id, now=late)
    ) == ("action", "cancel_closed")
    assert taken(klass) == 1


def test_completing_a_seat_keeps_its_places(app_creds, resource):
    klass = make_class(app_creds, resource)
    seat = take(app_creds, klass, seats=2)
    booking_action(
        application=app_creds.application,
        booking_id=seat.booking_id,
        action="complete",
        now=FROZEN_NOW,
    )
    assert taken(klass) == 2


def test_a_cancelled_seat_cannot_be_cancelled_again(app_creds, resource):
    klass = make_class(app_creds, resource)
    seat = take(app_creds, klass, seats=2)
    seat_cancel(application=app_creds.application, booking_id=seat.booking_id, now=FROZEN_NOW)
    with pytest.raises(ActionNotAllowed, match="cancelled_by_customer"):
        seat_cancel(application=app_creds.application, booking_id=seat.booking_id, now=FROZEN_NOW)
    assert taken(klass) == 0


def test_class_cancel_cancels_every_seat_and_frees_them(app_creds, resource):
    klass = make_class(app_creds, resource)
    seats = [take(app_creds, klass, email=f"s{n}@example.test") for n in range(3)]
    seat_cancel(application=app_creds.application, booking_id=seats[0].booking_id, now=FROZEN_NOW)
    klass = booking_action(
        application=app_creds.application,
        booking_id=klass.booking_id,
        action="cancel",
        now=FROZEN_NOW,
    )
    assert klass.state == "cancelled"
    assert taken(klass) == 0
    states = sorted(klass.seat_bookings.values_list("state", flat=True))
    assert states == ["cancelled_by_customer", "cancelled_by_owner", "cancelled_by_owner"]
    assert Event.objects.get(pk=klass.event_id).deleted


def test_booking_action_refuses_what_the_state_does_not_allow(app_creds, resource):
    klass = make_class(app_creds, resource)
    with pytest.raises(ActionNotAllowed, match=r"'confirm'.*'tentative'.*cancel, complete"):
        booking_action(
            application=app_creds.application,
            booking_id=klass.booking_id,
            action="confirm",
            now=FROZEN_NOW,
        )
    klass.refresh_from_db()
    assert klass.state == "tentative"


def test_database_refuses_an_oversold_class(app_creds, resource):
    klass = make_class(app_creds, resource, max_seats=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=klass.pk).update(taken_seats=F("max_seats") + 1)


def test_database_refuses_a_seat_below_one(app_creds, resource):
    klass = make_class(app_creds, resource)
    seat = take(app_creds, klass)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=seat.pk).update(seats=0)


def test_database_refuses_an_unknown_state(app_creds, resource):
    klass = make_class(app_creds, resource)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=klass.pk).update(state="paid")


def test_seat_create_runs_a_constant_number_of_queries(
    app_creds, resource, django_assert_num_queries
):
    klass = make_class(app_creds, resource, max_seats=100)
    # Savepoint, read the class, insert the seat, record its transition, read the application's
    # webhooks, lock the class, add to its counter, release: never a count.
    with django_assert_num_queries(8):
        take(app_creds, klass)
    for n in range(20):
        take(app_creds, klass, email=f"s{n}@example.test")
    with django_assert_num_queries(8):
        take(app_creds, klass)
