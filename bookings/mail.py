"""Mail sent when bookings enter states (Timekit's default emails, reference 1.2), and the
waitlist's offers.

`transitions_mail_send` is called by the q2 task that bookings/transitions.py queues on commit:
it reloads the transitions and sends what each one calls for (the MAILS table), through Django's
mail. The transitions of one change arrive together (a class's cancel moves all its seats in one
call), so a customer holding several seats of a cancelled class gets one mail.

Mails carry absolute links to the signed action pages (bookings/action_links.py): the customer's
cancel link, the owner's confirm and decline links. A task has no request to take a host from,
so the links start with PUBLIC_BASE_URL (set it in production; without it they name localhost).
Confirmations carry the booking as an invitation (.ics, METHOD:REQUEST); cancellations the same
event with METHOD:CANCEL, so calendar applications drop it.

Delivery is at most once per task run: a crash between two sends of one batch is retried by q2
and may send the earlier mails again (there is no mail outbox; the audit trail is the
transitions).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.urls import reverse

from bookings.action_links import action_token
from bookings.engine import graphs
from bookings.ics import timekit_booking_ics
from bookings.models import Booking, BookingTransition, WaitlistEntry
from bookings.pages.display import day_label, span_text
from scheduling.timezones import is_valid_tzid, zone

logger = logging.getLogger(__name__)

ONE_TO_ONE = (graphs.INSTANT, graphs.CONFIRM_DECLINE)
CUSTOMER, OWNER = "customer", "owner"


@dataclass(frozen=True)
class Mail:
    template: str  # templates/bookings/mail/<template>.txt and .html
    subject: str  # formatted with the booking's `what`
    to: str  # CUSTOMER or OWNER (the resource's email)
    ics: str = ""  # "request" (the invitation) or "cancel"
    links: tuple[str, ...] = ()  # actions the mail links to, signed


# (graph, action) -> the mail; an empty action is the booking's creation.
MAILS: dict[tuple[str, str], Mail] = {
    (graphs.GROUP_CUSTOMER, ""): Mail(
        "seat_confirmed", "Your seat: {what}", CUSTOMER, "request", ("cancel_by_customer",)
    ),
    (graphs.GROUP_CUSTOMER, "cancel_by_owner"): Mail(
        "seat_cancelled", "Cancelled: {what}", CUSTOMER, "cancel"
    ),
    (graphs.GROUP_CUSTOMER, "cancel_by_customer"): Mail(
        "owner_seat_cancelled", "A seat was cancelled: {what}", OWNER
    ),
    (graphs.INSTANT, ""): Mail(
        "booking_confirmed", "Booked: {what}", CUSTOMER, "request", ("cancel_by_customer",)
    ),
    (graphs.CONFIRM_DECLINE, ""): Mail(
        "owner_booking_requested", "Booking request: {what}", OWNER, "", ("confirm", "decline")
    ),
    (graphs.CONFIRM_DECLINE, "confirm"): Mail(
        "booking_confirmed", "Confirmed: {what}", CUSTOMER, "request", ("cancel_by_customer",)
    ),
    (graphs.CONFIRM_DECLINE, "decline"): Mail("booking_declined", "Declined: {what}", CUSTOMER),
    **{
        (graph, "cancel"): Mail("booking_cancelled", "Cancelled: {what}", CUSTOMER, "cancel")
        for graph in ONE_TO_ONE
    },
    **{
        (graph, "cancel_by_customer"): Mail(
            "owner_booking_cancelled", "A booking was cancelled: {what}", OWNER
        )
        for graph in ONE_TO_ONE
    },
}


def public_url(path: str) -> str:
    return (settings.PUBLIC_BASE_URL or "http://localhost") + path


def action_url(booking: Booking, action: str) -> str:
    token = action_token(booking_id=booking.booking_id, action=action)
    return public_url(reverse("booking-action", args=[token]))


def mail_for(transition: BookingTransition) -> Mail | None:
    return MAILS.get((transition.booking.graph, transition.action))


def transitions_mail_send(*, transition_ids: Sequence[int]) -> int:
    """Send what each transition calls for; returns the number of mails sent."""
    transitions = (
        BookingTransition.objects.filter(pk__in=transition_ids)
        .select_related("booking__account", "booking__owner_booking")
        .order_by("created_at", "id")
    )
    # One mail per recipient and booking told about (a class, for all the seats it cancelled).
    batches: dict[tuple[Mail, str, int], list[BookingTransition]] = {}
    for transition in transitions:
        mail = mail_for(transition)
        if mail is None:
            continue
        booking = transition.booking
        recipient = booking.customer_email if mail.to == CUSTOMER else booking.account.email
        if recipient:
            key = (mail, recipient.lower(), booking.owner_booking_id or booking.pk)
            batches.setdefault(key, []).append(transition)
    messages = [_message(mail, batch) for (mail, _, _), batch in batches.items()]
    if messages:
        mailers.default.send_messages(messages)
    return len(messages)


def _message(mail: Mail, batch: list[BookingTransition]) -> EmailMultiAlternatives:
    transition = batch[0]
    booking = transition.booking
    recipient = booking.customer_email if mail.to == CUSTOMER else booking.account.email
    tzid = _tzid(booking, mail.to)
    context = {
        "booking": booking,
        "klass": booking.owner_booking,
        "what": booking.what or "your booking",
        "resource": booking.account.name,
        "when": when_text(booking, tzid),
        "tzid": tzid,
        "message": transition.message,
        "seats": sum(t.booking.seats for t in batch),
        "links": {action: action_url(booking, action) for action in mail.links},
    }
    message = _render(mail.template, mail.subject.format(what=context["what"]), recipient, context)
    if booking.account.email and mail.to == CUSTOMER:
        message.reply_to = [booking.account.email]
    if mail.ics:
        organizer = (booking.account.name, booking.account.email or settings.DEFAULT_FROM_EMAIL)
        data = timekit_booking_ics(
            bookings=[t.booking for t in batch],
            organizer=organizer,
            stamp=transition.created_at,
            cancelled=mail.ics == "cancel",
        )
        method = "CANCEL" if mail.ics == "cancel" else "REQUEST"
        message.attach("invite.ics", data, f"text/calendar; charset=utf-8; method={method}")
    return message


def _render(template: str, subject: str, recipient: str, context: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a line break in a title must not end the header
        body=render_to_string(f"bookings/mail/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
    )
    message.attach_alternative(
        render_to_string(f"bookings/mail/{template}.html", context), "text/html"
    )
    return message


def _tzid(booking: Booking, to: str) -> str:
    if to == CUSTOMER and is_valid_tzid(booking.customer_timezone):
        return booking.customer_timezone
    return booking.account.default_tzid


def when_text(booking: Booking, tzid: str) -> str:
    """The booking's day and span in `tzid`: "Monday 3 March 2025, 09:00-10:00" (en dash)."""
    local_start = booking.start.astimezone(zone(tzid))
    span = span_text(booking.start, booking.end, tzid, local_start.date())
    return f"{day_label(local_start)}, {span}"


def waitlist_offer_mail_send(*, entry_id: int) -> bool:
    """Tell a waitlist entry that a seat is offered to it (when it still is); True when sent."""
    from bookings.services.waitlist import waitlist_claim_token  # the service queues this

    entry = (
        WaitlistEntry.objects.select_related("owner_booking__account")
        .filter(pk=entry_id, state=WaitlistEntry.State.OFFERED)
        .first()
    )
    if entry is None:
        return False
    klass = entry.owner_booking
    tzid = entry.timezone if is_valid_tzid(entry.timezone) else klass.account.default_tzid
    expires = entry.offer_expires_at.astimezone(zone(tzid))
    context = {
        "entry": entry,
        "what": klass.what or "the class",
        "resource": klass.account.name,
        "when": when_text(klass, tzid),
        "tzid": tzid,
        "expires": f"{day_label(expires)}, {expires:%H:%M}",
        "claim_url": public_url(
            reverse("class-waitlist-claim", args=[waitlist_claim_token(entry.entry_id)])
        ),
    }
    subject = f"A seat is free: {context['what']}"
    _render("waitlist_offer", subject, entry.email, context).send()
    return True
