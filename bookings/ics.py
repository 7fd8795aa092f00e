"""Bookings as iCalendar files (RFC 5545): the event(s) of a completed scheduling request, for
the visitor to download from the confirmation page, and a Timekit booking (a seat, a one-to-one
booking) as the invitation attached to its mails (RFC 5546: REQUEST, then CANCEL).

Times are written in UTC (`...Z`): exact, and needing no VTIMEZONE (which the icalendar package
can only generate for a limited range of years); calendar applications show them in the reader's
own zone. Each event's UID is derived from a public id, so a second file for the same booking
(downloaded again, or the cancellation) updates the event in the reader's calendar instead of
adding another one.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import icalendar

from bookings.booked import booked_events
from bookings.models import Booking, SchedulingRequest

PRODID = "-//Scheduling platform//Bookings//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str = ""
    location: str = ""
    status: str = "CONFIRMED"  # or "CANCELLED"
    sequence: int = 0
    # (name, email) of the organizer and the one attendee, for an invitation (METHOD:REQUEST).
    organizer: tuple[str, str] | None = None
    attendee: tuple[str, str] | None = None


def ics_bytes(events: Iterable[IcsEvent], *, stamp: dt.datetime, method: str = "PUBLISH") -> bytes:
    """The file's bytes (CRLF lines, folded at 75 octets by the icalendar package)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", item.start.astimezone(dt.UTC))
        event.add("dtend", item.end.astimezone(dt.UTC))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        event.add("status", item.status)
        event.add("sequence", item.sequence)
        event.add("transp", "OPAQUE" if item.status == "CONFIRMED" else "TRANSPARENT")
        if item.organizer:
            event.add("organizer", _address(item.organizer))
        if item.attendee:
            attendee = _address(item.attendee)
            attendee.params["PARTSTAT"] = "ACCEPTED"
            attendee.params["RSVP"] = "FALSE"
            event.add("attendee", attendee)
        calendar.add_component(event)
    return calendar.to_ical()


def _address(person: tuple[str, str]) -> icalendar.vCalAddress:
    name, email = person
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = icalendar.vText(name)
    return address


def event_uid(scheduling_request: SchedulingRequest, key: str) -> str:
    suffix = f".{key}" if key else ""
    return f"{scheduling_request.real_time_scheduling_id}{suffix}@bookings"


def booking_ics(*, scheduling_request: SchedulingRequest) -> bytes:
    """A completed scheduling request's event(s), to download."""
    events = [
        IcsEvent(
            uid=event_uid(scheduling_request, booked.key),
            start=booked.start,
            end=booked.end,
            summary=booked.summary,
            description=booked.description,
            location=booked.location_text,
        )
        for booked in booked_events(scheduling_request)
    ]
    stamp = scheduling_request.booked_at or scheduling_request.updated_at
    return ics_bytes(events, stamp=stamp)


def timekit_booking_ics(
    *,
    bookings: Sequence[Booking],
    organizer: tuple[str, str],
    stamp: dt.datetime,
    cancelled: bool = False,
) -> bytes:
    """Timekit bookings (one, or a customer's seats of one class) as the invitation for their
    customer (METHOD:REQUEST), or its cancellation (METHOD:CANCEL, a higher SEQUENCE, the same
    UIDs, so the reader's calendar drops them). `organizer` is (name, email): the resource, or
    the platform's sender when it has no email."""
    events = [
        IcsEvent(
            uid=f"{booking.booking_id}@bookings",
            start=booking.start,
            end=booking.end,
            summary=booking.what or "Booking",
            description=booking.description,
            location=booking.where,
            status="CANCELLED" if cancelled else "CONFIRMED",
            sequence=1 if cancelled else 0,
            organizer=organizer,
            attendee=(booking.customer_name, booking.customer_email),
        )
        for booking in bookings
    ]
    return ics_bytes(events, stamp=stamp, method="CANCEL" if cancelled else "REQUEST")


def ics_filename(scheduling_request: SchedulingRequest) -> str:
    """A file name that needs no quoting in Content-Disposition."""
    return f"{scheduling_request.real_time_scheduling_id}.ics"
