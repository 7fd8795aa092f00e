"""The booked event(s) of a completed scheduling request as an iCalendar file (RFC 5545), for
the visitor to download from the confirmation page.

Times are written in UTC (`...Z`): exact, and needing no VTIMEZONE (which the icalendar package
can only generate for a limited range of years); calendar applications show them in the reader's
own zone. Each event's UID is derived from the request's public id, so downloading the file again
updates the event in the visitor's calendar instead of adding a second one.
"""

import datetime as dt

import icalendar

from bookings.booked import booked_events
from bookings.models import SchedulingRequest

PRODID = "-//Scheduling platform//Bookings//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_uid(scheduling_request: SchedulingRequest, key: str) -> str:
    suffix = f".{key}" if key else ""
    return f"{scheduling_request.real_time_scheduling_id}{suffix}@bookings"


def booking_ics(*, scheduling_request: SchedulingRequest) -> bytes:
    """The file's bytes (CRLF lines, folded at 75 octets by the icalendar package)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    stamp = scheduling_request.booked_at or scheduling_request.updated_at
    for booked in booked_events(scheduling_request):
        event = icalendar.Event()
        event.add("uid", event_uid(scheduling_request, booked.key))
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", booked.start.astimezone(dt.UTC))
        event.add("dtend", booked.end.astimezone(dt.UTC))
        event.add("summary", booked.summary)
        if booked.description:
            event.add("description", booked.description)
        if booked.location_text:
            event.add("location", booked.location_text)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


def ics_filename(scheduling_request: SchedulingRequest) -> str:
    """A file name that needs no quoting in Content-Disposition."""
    return f"{scheduling_request.real_time_scheduling_id}.ics"
