"""Every state a booking enters is recorded once, through the services' one hook."""

import pytest

from bookings.models import BookingTransition
from bookings.services.group_bookings import booking_action, seat_create
from tests.bookings.classes import make_class, take

pytestmark = pytest.mark.django_db


def trail(booking):
    return [
        (t.action, t.from_state, t.to_state)
        for t in BookingTransition.objects.filter(booking=booking)
    ]


def test_creations_and_actions_are_recorded_in_order(app_creds, resource):
    klass = make_class(app_creds, resource, max_seats=3)
    seat = take(app_creds, klass)
    booking_action(
        application=app_creds.application,
        booking_id=seat.booking_id,
        action="cancel_by_customer",
        message="Double booked",
    )
    assert trail(klass) == [("", "", "tentative")]
    assert trail(seat) == [
        ("", "", "confirmed"),
        ("cancel_by_customer", "confirmed", "cancelled_by_customer"),
    ]
    assert (
        BookingTransition.objects.get(booking=seat, action="cancel_by_customer").message
        == "Double booked"
    )


def test_a_class_cancel_records_every_seat_it_cancels(app_creds, resource):
    klass = make_class(app_creds, resource, max_seats=3)
    seats = [take(app_creds, klass, email=f"s{n}@example.test") for n in range(3)]
    booking_action(application=app_creds.application, booking_id=klass.booking_id, action="cancel")
    for seat in seats:
        assert trail(seat)[-1] == ("cancel_by_owner", "confirmed", "cancelled_by_owner")
    assert trail(klass)[-1] == ("cancel", "tentative", "cancelled")


def test_a_refused_seat_records_nothing(app_creds, resource):
    klass = make_class(app_creds, resource, max_seats=1)
    take(app_creds, klass)
    before = BookingTransition.objects.count()
    with pytest.raises(Exception, match="seats"):
        seat_create(
            application=app_creds.application,
            owner_booking_id=klass.booking_id,
            customer_name="Late",
            customer_email="late@example.test",
        )
    assert BookingTransition.objects.count() == before
