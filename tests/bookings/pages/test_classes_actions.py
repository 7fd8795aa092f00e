"""The pages of signed links: a customer's cancel link (GET shows, only POST cancels, the
class's min_cancel_time applies), the owner's confirm and decline links, the waitlist's claim
link; and the seat page a taken seat ends on."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from bookings.action_links import action_token
from bookings.models import Booking, WaitlistEntry
from bookings.services.waitlist import waitlist_claim_token, waitlist_join, waitlist_offer
from tests.bookings.pages.class_setup import START, one_to_one, seat_for, studio, studio_class
from tests.clock import FROZEN_NOW

pytestmark = pytest.mark.django_db
__all__ = ["studio"]


@pytest.fixture
def visitor() -> Client:
    return Client()


def action_url(booking, action: str) -> str:
    return reverse(
        "booking-action", args=[action_token(booking_id=booking.booking_id, action=action)]
    )


def state(booking) -> str:
    booking.refresh_from_db()
    return booking.state


def test_the_cancel_link_shows_the_seat_and_get_changes_nothing(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    seat = seat_for(app_creds, klass, tz="America/New_York")

    response = visitor.get(action_url(seat, "cancel_by_customer"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cancel your seat" in html
    assert "Saturday 1 March 2025" in html
    assert "07:00\u201308:00" in html  # the customer's zone
    assert "1 seat for Ada" in html
    assert state(seat) == "confirmed"


def test_posting_the_cancel_link_cancels_the_seat_and_frees_it(
    app_creds, studio, visitor, django_capture_on_commit_callbacks
):
    klass = studio_class(app_creds, studio)
    seat = seat_for(app_creds, klass)
    url = action_url(seat, "cancel_by_customer")

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(url, {"message": "Ill, sorry"})

    assert response.status_code == 302
    assert response["Location"] == url
    assert state(seat) == "cancelled_by_customer"
    klass.refresh_from_db()
    assert klass.taken_seats == 0
    [owner_mail] = mail.outbox
    assert owner_mail.to == ["studio@example.test"]
    assert "Ill, sorry" in owner_mail.body
    after = visitor.get(url).content.decode()
    assert "Cancelled. Thank you for telling us." in after
    assert "State: cancelled by customer" in after
    assert "<button" not in after.split("<main>")[1]


def test_a_cancel_after_min_cancel_time_is_refused_clearly(app_creds, studio, visitor, clock):
    klass = studio_class(app_creds, studio, min_cancel_time=dt.timedelta(hours=24))
    seat = seat_for(app_creds, klass)
    clock.move_to(START - dt.timedelta(hours=23))

    response = visitor.post(action_url(seat, "cancel_by_customer"))

    assert response.status_code == 409
    assert (
        "this seat can no longer be cancelled here: cancellations closed on "
        "Friday 28 February 2025 at 12:00 (Europe/London)"
    ) in response.content.decode()
    assert state(seat) == "confirmed"


def test_a_too_long_message_changes_nothing(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    seat = seat_for(app_creds, klass)
    response = visitor.post(action_url(seat, "cancel_by_customer"), {"message": "x" * 1001})
    assert response.status_code == 400
    assert state(seat) == "confirmed"


def test_posting_twice_says_there_is_nothing_left_to_do(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    seat = seat_for(app_creds, klass)
    url = action_url(seat, "cancel_by_customer")
    visitor.post(url)
    again = visitor.post(url)
    assert again.status_code == 409
    assert "This booking is cancelled by customer: there is nothing left to do." in (
        again.content.decode()
    )


def test_a_forged_or_unknown_link_is_not_found(visitor):
    unknown = action_token(booking_id="x", action="cancel_by_customer")
    for token in ("nonsense", unknown):
        assert visitor.get(reverse("booking-action", args=[token])).status_code == 404


def test_a_link_for_an_action_pages_do_not_offer_is_not_found(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    assert visitor.post(action_url(klass, "cancel")).status_code == 404
    assert state(klass) == "tentative"


def test_a_link_for_a_deleted_booking_is_not_found(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    seat = seat_for(app_creds, klass)
    url = action_url(seat, "cancel_by_customer")
    Booking.objects.filter(pk=seat.pk).delete()
    assert visitor.get(url).status_code == 404


def test_the_owner_confirms_a_request(
    app_creds, studio, visitor, django_capture_on_commit_callbacks
):
    booking = one_to_one(app_creds, studio, "confirm_decline")
    url = action_url(booking, "confirm")
    page = visitor.get(url)
    assert "Requested by Grace &lt;grace@example.test&gt;" in page.content.decode()
    assert "12:00\u201313:00" in page.content.decode()  # the owner's zone
    assert state(booking) == "tentative"

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(url)

    assert response.status_code == 302
    assert state(booking) == "confirmed"
    assert [m.subject for m in mail.outbox] == ["Confirmed: Consultation"]


def test_the_owner_declines_a_request_with_a_message(
    app_creds, studio, visitor, django_capture_on_commit_callbacks
):
    booking = one_to_one(app_creds, studio, "confirm_decline")
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(action_url(booking, "decline"), {"message": "Away that day."})
    assert state(booking) == "declined"
    [declined] = mail.outbox
    assert "Away that day." in declined.body


def test_a_confirm_link_cannot_decline(app_creds, studio, visitor):
    booking = one_to_one(app_creds, studio, "confirm_decline")
    visitor.post(action_url(booking, "confirm"))
    response = visitor.post(action_url(booking, "decline"))
    assert response.status_code == 409
    assert state(booking) == "confirmed"


def test_the_seat_page_needs_a_valid_token(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    seat = seat_for(app_creds, klass)
    good = reverse(
        "class-seat", args=[action_token(booking_id=seat.booking_id, action="cancel_by_customer")]
    )
    assert visitor.get(good).status_code == 200
    confirm = action_token(booking_id=seat.booking_id, action="confirm")
    assert visitor.get(reverse("class-seat", args=[confirm])).status_code == 404
    assert visitor.get(reverse("class-seat", args=["forged"])).status_code == 404


@pytest.fixture
def offered(app_creds, studio):
    """A one-seat class, taken; Wanda waits, the seat is freed and offered to her."""
    klass = studio_class(app_creds, studio, max_seats=1)
    seat = seat_for(app_creds, klass)
    entry = waitlist_join(owner_booking=klass, name="Wanda", email="w@example.test", now=FROZEN_NOW)
    Booking.objects.filter(pk=klass.pk).update(taken_seats=0)
    Booking.objects.filter(pk=seat.pk).update(state="cancelled_by_customer")
    waitlist_offer(owner_booking_pk=klass.pk, now=FROZEN_NOW)
    entry.refresh_from_db()
    return entry


def test_the_claim_page_shows_the_offer_and_get_changes_nothing(offered, visitor):
    url = reverse("class-waitlist-claim", args=[waitlist_claim_token(offered.entry_id)])
    response = visitor.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "is offered to Wanda, if it is still available, until Thursday 27 February 2025, 14:00"
        in html
    )
    offered.refresh_from_db()
    assert offered.state == "offered"


def test_claiming_takes_the_seat_and_shows_it(offered, visitor):
    url = reverse("class-waitlist-claim", args=[waitlist_claim_token(offered.entry_id)])
    response = visitor.post(url)
    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.state == "claimed"
    page = visitor.get(response["Location"])
    assert "You have a seat: Morning yoga" in page.content.decode()
    assert "You took this seat." in visitor.get(url).content.decode()


def test_a_claim_of_a_seat_taken_meanwhile_says_so(app_creds, offered, visitor):
    seat_for(app_creds, offered.owner_booking, email="quick@example.test")
    url = reverse("class-waitlist-claim", args=[waitlist_claim_token(offered.entry_id)])
    response = visitor.post(url)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Sorry, the seat was taken meanwhile." in html
    assert "You are on the waitlist." in html
    assert WaitlistEntry.objects.get().state == "waiting"


def test_a_forged_claim_link_is_not_found(visitor):
    assert visitor.get(reverse("class-waitlist-claim", args=["forged"])).status_code == 404
