"""Mails of booking transitions (reference 1.2, "Emails/notifications per transition"), sent by
the task queued on commit: who gets what, with which links and invitation."""

import re
from urllib.parse import urlsplit

import icalendar
import pytest
import vobject
from django.core import mail
from django.urls import resolve

from bookings.action_links import action_token_read
from bookings.mail import transitions_mail_send
from bookings.models import BookingTransition
from bookings.services.group_bookings import booking_action
from tests.bookings.pages.class_setup import one_to_one, seat_for, studio, studio_class

pytestmark = pytest.mark.django_db
__all__ = ["studio"]

BASE = "https://book.example.test"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.PUBLIC_BASE_URL = BASE


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the change, then its on-commit tasks (q2 is synchronous in tests): the mails sent."""

    def run(change):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = change()
        return result, list(mail.outbox)

    return run


def invitation(message) -> icalendar.Calendar:
    [(name, data, mimetype)] = message.attachments
    assert name == "invite.ics"
    assert mimetype.startswith("text/calendar")
    text = data.decode() if isinstance(data, bytes) else data
    assert vobject.readOne(text).validate(raiseException=True)
    return icalendar.Calendar.from_ical(text)


def link_in(message, action: str):
    """The signed action link of `action` in the mail's text, read back."""
    for url in re.findall(r"https://\S+", message.body):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != BASE:
            continue
        match = resolve(parts.path)
        if match.url_name == "booking-action":
            link = action_token_read(match.kwargs["token"])
            if link.action == action:
                return link
    raise AssertionError(f"no {action} link in {message.body!r}")


def test_a_seat_confirmed_mails_its_customer_an_invitation_and_a_cancel_link(
    app_creds, studio, sent
):
    klass = studio_class(app_creds, studio)
    seat, outbox = sent(lambda: seat_for(app_creds, klass, tz="Asia/Tokyo"))

    [message] = outbox
    assert message.to == ["ada@example.test"]
    assert message.reply_to == ["studio@example.test"]
    assert message.subject == "Your seat: Morning yoga"
    assert "Saturday 1 March 2025, 21:00\u201322:00 (Asia/Tokyo)" in message.body
    assert link_in(message, "cancel_by_customer").booking_id == str(seat.booking_id)
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert "Cancel your seat" in html
    calendar = invitation(message)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{seat.booking_id}@bookings"
    assert event.decoded("DTSTART") == klass.start
    assert str(event["SUMMARY"]) == "Morning yoga"
    assert str(event["ORGANIZER"]) == "mailto:studio@example.test"
    assert str(event["ATTENDEE"]) == "mailto:ada@example.test"


def test_a_seat_mail_shows_the_resource_zone_when_the_customer_gave_none(app_creds, studio, sent):
    klass = studio_class(app_creds, studio)
    _, [message] = sent(lambda: seat_for(app_creds, klass))
    assert "Saturday 1 March 2025, 12:00\u201313:00 (Europe/London)" in message.body


def test_a_class_cancel_mails_each_customer_once_with_the_message(app_creds, studio, sent):
    klass = studio_class(app_creds, studio, max_seats=5)
    first = seat_for(app_creds, klass, email="ada@example.test")
    second = seat_for(app_creds, klass, email="ADA@example.test", seats=2)
    seat_for(app_creds, klass, email="grace@example.test", name="Grace")

    _, outbox = sent(
        lambda: booking_action(
            application=app_creds.application,
            booking_id=klass.booking_id,
            action="cancel",
            message="The teacher is ill.",
        )
    )

    assert sorted(m.to[0].lower() for m in outbox) == ["ada@example.test", "grace@example.test"]
    [ada] = [m for m in outbox if m.to[0].lower() == "ada@example.test"]
    assert ada.subject == "Cancelled: Morning yoga"
    assert "Your 3 seats are cancelled with it." in ada.body
    assert "The teacher is ill." in ada.body
    calendar = invitation(ada)
    assert calendar["METHOD"] == "CANCEL"
    uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    assert uids == {f"{first.booking_id}@bookings", f"{second.booking_id}@bookings"}
    assert {str(event["STATUS"]) for event in calendar.walk("VEVENT")} == {"CANCELLED"}


def test_a_seat_cancelled_by_its_customer_mails_the_owner(app_creds, studio, sent):
    klass = studio_class(app_creds, studio)
    seat = seat_for(app_creds, klass)

    _, [message] = sent(
        lambda: booking_action(
            application=app_creds.application,
            booking_id=seat.booking_id,
            action="cancel_by_customer",
            message="Sorry!",
        )
    )

    assert message.to == ["studio@example.test"]
    assert message.subject == "A seat was cancelled: Morning yoga"
    assert "Ada <ada@example.test> cancelled 1 seat in Morning yoga" in message.body
    assert "Sorry!" in message.body
    assert not message.attachments


def test_no_owner_mail_for_a_resource_without_email(app_creds, studio, sent):
    studio.email = ""
    studio.save()
    klass = studio_class(app_creds, studio)
    seat = seat_for(app_creds, klass)

    _, outbox = sent(
        lambda: booking_action(
            application=app_creds.application,
            booking_id=seat.booking_id,
            action="cancel_by_customer",
        )
    )

    assert outbox == []


def test_a_confirm_decline_request_mails_the_owner_confirm_and_decline_links(
    app_creds, studio, sent
):
    booking, [message] = sent(lambda: one_to_one(app_creds, studio, "confirm_decline"))

    assert message.to == ["studio@example.test"]
    assert message.subject == "Booking request: Consultation"
    assert "Grace <grace@example.test> asks to book Consultation" in message.body
    assert "(Europe/London)" in message.body  # the owner's zone, not the customer's
    assert link_in(message, "confirm").booking_id == str(booking.booking_id)
    assert link_in(message, "decline").booking_id == str(booking.booking_id)


def test_a_confirmed_request_mails_the_customer_an_invitation(app_creds, studio, sent):
    booking = one_to_one(app_creds, studio, "confirm_decline")
    _, [message] = sent(
        lambda: booking_action(
            application=app_creds.application, booking_id=booking.booking_id, action="confirm"
        )
    )
    assert message.to == ["grace@example.test"]
    assert message.subject == "Confirmed: Consultation"
    assert "Saturday 1 March 2025, 07:00\u201308:00 (America/New_York)" in message.body
    assert invitation(message)["METHOD"] == "REQUEST"
    assert link_in(message, "cancel_by_customer").booking_id == str(booking.booking_id)


def test_a_declined_request_mails_the_customer_the_message(app_creds, studio, sent):
    booking = one_to_one(app_creds, studio, "confirm_decline")
    _, [message] = sent(
        lambda: booking_action(
            application=app_creds.application,
            booking_id=booking.booking_id,
            action="decline",
            message="Fully booked that week.",
        )
    )
    assert (message.to, message.subject) == (["grace@example.test"], "Declined: Consultation")
    assert "Fully booked that week." in message.body
    assert not message.attachments


def test_an_instant_booking_mails_the_customer_an_invitation(app_creds, studio, sent):
    booking, [message] = sent(lambda: one_to_one(app_creds, studio, "instant"))
    assert (message.to, message.subject) == (["grace@example.test"], "Booked: Consultation")
    [event] = invitation(message).walk("VEVENT")
    assert str(event["UID"]) == f"{booking.booking_id}@bookings"


def test_a_one_to_one_cancel_mails_the_customer(app_creds, studio, sent):
    booking = one_to_one(app_creds, studio, "instant")
    _, [message] = sent(
        lambda: booking_action(
            application=app_creds.application,
            booking_id=booking.booking_id,
            action="cancel",
            message="Closed for repairs.",
        )
    )
    assert (message.to, message.subject) == (["grace@example.test"], "Cancelled: Consultation")
    assert "Closed for repairs." in message.body
    assert invitation(message)["METHOD"] == "CANCEL"


def test_a_one_to_one_cancelled_by_its_customer_mails_the_owner(app_creds, studio, sent):
    booking = one_to_one(app_creds, studio, "instant")
    _, [message] = sent(
        lambda: booking_action(
            application=app_creds.application,
            booking_id=booking.booking_id,
            action="cancel_by_customer",
        )
    )
    assert (message.to, message.subject) == (
        ["studio@example.test"],
        "A booking was cancelled: Consultation",
    )


def test_transitions_without_a_mail_send_nothing(app_creds, studio, sent):
    """A class's own creation and cancel (its seats carry the mails), a completion."""
    klass, outbox = sent(lambda: studio_class(app_creds, studio))
    assert outbox == []
    _, outbox = sent(
        lambda: booking_action(
            application=app_creds.application, booking_id=klass.booking_id, action="cancel"
        )
    )
    assert outbox == []


def test_a_title_with_line_breaks_makes_a_one_line_subject(app_creds, studio, sent):
    klass = studio_class(app_creds, studio, what="Yoga\r\nBcc: x@example.test")
    _, [message] = sent(lambda: seat_for(app_creds, klass))
    assert message.subject == "Your seat: Yoga Bcc: x@example.test"
    assert message.message()["Bcc"] is None


def test_links_start_with_the_public_base_url(app_creds, studio, settings, sent):
    settings.PUBLIC_BASE_URL = "https://other.example.test"
    klass = studio_class(app_creds, studio)
    _, [message] = sent(lambda: seat_for(app_creds, klass))
    assert "https://other.example.test/bookings/actions/" in message.body


def test_the_task_reloads_the_transitions_it_is_given(app_creds, studio):
    klass = studio_class(app_creds, studio)
    seat = seat_for(app_creds, klass)  # on commit never ran: nothing sent yet
    assert mail.outbox == []
    ids = list(BookingTransition.objects.filter(booking=seat).values_list("pk", flat=True))

    assert transitions_mail_send(transition_ids=ids) == 1
    assert mail.outbox[0].to == ["ada@example.test"]


def test_a_cascade_is_mailed_with_a_constant_number_of_queries(
    app_creds, studio, django_assert_num_queries
):
    def cancelled_class_transitions(customers: int) -> list[int]:
        klass = studio_class(app_creds, studio, max_seats=10)
        for n in range(customers):
            seat_for(app_creds, klass, email=f"c{n}@example.test")
        booking_action(
            application=app_creds.application, booking_id=klass.booking_id, action="cancel"
        )
        seats = BookingTransition.objects.filter(
            booking__owner_booking=klass, action="cancel_by_owner"
        )
        return list(seats.values_list("pk", flat=True))

    small, large = cancelled_class_transitions(2), cancelled_class_transitions(6)
    with django_assert_num_queries(1) as counted:
        assert transitions_mail_send(transition_ids=small) == 2
    with django_assert_num_queries(len(counted.captured_queries)):
        assert transitions_mail_send(transition_ids=large) == 6
