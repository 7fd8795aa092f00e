"""Auto-complete: a booking still waiting for an action moves to `completed` 1 hour after its end
(Timekit, reference 1.2), through its graph's `complete` action."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from bookings.services.autocomplete import bookings_autocomplete
from scheduling.models import Event
from tests.bookings.classes import make_class, take
from tests.bookings.one_to_one import HOUR, START, act, book, trail
from tests.factories import make_account

pytestmark = pytest.mark.django_db

END = START + HOUR
DUE = END + HOUR


def state(booking) -> str:
    return Booking.objects.get(pk=booking.pk).state


def test_a_confirmed_booking_is_completed_an_hour_after_its_end(app_creds, resource):
    booking = book(app_creds, resource)
    assert bookings_autocomplete(now=DUE - HOUR / 60) == 0
    assert state(booking) == "confirmed"
    assert bookings_autocomplete(now=DUE) == 1
    assert state(booking) == "completed"
    assert trail(booking)[-1] == ("complete", "confirmed", "completed")
    assert not Event.objects.get(pk=booking.event_id).deleted
    assert bookings_autocomplete(now=DUE) == 0  # once


def test_classes_and_their_seats_are_completed_cancelled_seats_are_left(app_creds, resource):
    klass = make_class(app_creds, resource)
    seat = take(app_creds, klass, email="a@example.test")
    gone = take(app_creds, klass, email="b@example.test")
    act(app_creds, gone, "cancel_by_customer")
    assert bookings_autocomplete(now=DUE) == 2
    assert (state(klass), state(seat), state(gone)) == (
        "completed",
        "completed",
        "cancelled_by_customer",
    )
    assert trail(klass)[-1] == ("complete", "tentative", "completed")
    klass.refresh_from_db()
    assert klass.taken_seats == 1  # a completed seat was used, not freed


def test_only_bookings_waiting_for_an_action_are_completed(app_creds, resource):
    tentative = book(app_creds, resource, graph="confirm_decline")
    confirmed = book(app_creds, resource, graph="confirm_decline", start=START + 2 * HOUR)
    act(app_creds, confirmed, "confirm")
    cancelled = book(app_creds, make_account(app_creds.application))
    act(app_creds, cancelled, "cancel")
    assert bookings_autocomplete(now=START + 4 * HOUR) == 1
    assert (state(tentative), state(confirmed), state(cancelled)) == (
        "tentative",
        "completed",
        "cancelled",
    )


def test_every_due_booking_is_completed_in_batches(app_creds, resource):
    bookings = [book(app_creds, resource, start=START + n * HOUR) for n in range(5)]
    assert bookings_autocomplete(now=START + 7 * HOUR, batch=2) == 5
    assert {state(booking) for booking in bookings} == {"completed"}


def test_a_batch_runs_a_constant_number_of_queries(app_creds, resource):
    def queries(count: int, offset: int) -> int:
        for n in range(count):
            book(app_creds, resource, start=START + (offset + n) * HOUR)
        with CaptureQueriesContext(connection) as captured:
            assert bookings_autocomplete(now=START + 40 * HOUR) == count
        return len(captured)

    assert queries(1, 0) == queries(6, 10)
