"""A claim racing other visitors for the last seat never oversells (PostgreSQL)."""

from bookings.models import Booking, WaitlistEntry
from bookings.services.group_bookings import booking_action, seat_create
from bookings.services.waitlist import waitlist_claim, waitlist_join, waitlist_offer
from scheduling.errors import ValidationFailed
from tests.bookings.pages.class_setup import seat_for, studio, studio_class
from tests.concurrency import needs_concurrent_writers, race

pytestmark = needs_concurrent_writers
__all__ = ["studio"]


def test_a_claim_racing_visitors_for_the_last_seat_never_oversells(app_creds, studio):
    klass = studio_class(app_creds, studio, max_seats=1)
    seat = seat_for(app_creds, klass)
    entry = waitlist_join(owner_booking=klass, name="Wanda", email="w@example.test")
    booking_action(
        application=app_creds.application, booking_id=seat.booking_id, action="cancel_by_customer"
    )
    waitlist_offer(owner_booking_pk=klass.pk)  # already offered on commit: a no-op then
    assert WaitlistEntry.objects.get().state == "offered"

    def run(n: int) -> str:
        try:
            if n == 0:
                waitlist_claim(entry_id=entry.entry_id)
                return "claimed"
            seat_create(
                application=app_creds.application,
                owner_booking_id=klass.booking_id,
                customer_name=f"Visitor {n}",
                customer_email=f"v{n}@example.test",
            )
            return "booked"
        except ValidationFailed:
            return "refused"

    outcomes = race(8, run)

    assert sorted(outcomes).count("refused") == 7
    klass.refresh_from_db()
    assert klass.taken_seats == 1
    assert Booking.objects.filter(owner_booking=klass, state="confirmed").count() == 1
    entry.refresh_from_db()
    assert entry.state == ("claimed" if "claimed" in outcomes else "waiting")
