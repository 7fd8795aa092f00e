"""GET /rts/{token}/event.ics: the booked event(s) as an iCalendar file.

The file is validated by vobject (real-clients.md: it refuses what RFC 5545 forbids), and checked
by hand too: line endings and folding, the properties each component must have (icalendar's own
tables of required, single and exclusive properties), and every value read back.
"""

import icalendar
import pytest
import vobject

from bookings.ics import booking_ics
from bookings.services.booking import scheduling_request_book
from tests.api_helpers import at
from tests.bookings.factories import scheduling_body, sequencing_body
from tests.bookings.pages.conftest import link_for

pytestmark = pytest.mark.django_db

DESCRIPTION = (
    "Bring your portfolio; we'll talk about it, then lunch.\n"
    "Café on the 2nd floor — ask for Zoë. " + "Long text to fold over several lines. " * 4
)


def assert_valid_ics(data: bytes) -> icalendar.Calendar:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert b"\n" not in line
        assert b"\r" not in line
        assert len(line) <= 75, line  # octets, CRLF excluded (RFC 5545 3.1)
        line.decode("utf-8")  # folding never splits a UTF-8 sequence
    assert lines[0] == b"BEGIN:VCALENDAR"
    assert lines[-1] == b"END:VCALENDAR"
    assert vobject.readOne(data.decode("utf-8")).validate(raiseException=True)
    calendar = icalendar.Calendar.from_ical(data)
    assert_component(calendar)
    assert calendar["VERSION"] == "2.0"
    events = calendar.walk("VEVENT")
    assert events
    for event in events:
        assert_component(event)
        assert "DTSTART" in event
        assert "DTEND" in event
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    assert len({str(e["UID"]) for e in events}) == len(events)
    return calendar


def assert_component(component: icalendar.cal.Component) -> None:
    names = [name for name, _ in component.property_items(recursive=False)][1:-1]
    for required in component.required:
        assert required in names, f"{component.name} lacks {required}"
    for single in component.singletons:
        assert names.count(single) <= 1, f"{component.name} repeats {single}"
    for exclusive in component.exclusive:
        assert sum(name in names for name in exclusive) <= 1


def booked_link(app_creds, people, **extra):
    body = scheduling_body(people, **extra)
    link = link_for(app_creds.application, body)
    scheduling_request_book(scheduling_request=link.request, starts=(at(10),), user_tzid="Etc/UTC")
    return link


def test_the_download_is_a_calendar_file_named_for_the_booking(app_creds, people, visitor):
    link = booked_link(app_creds, people)

    response = visitor.get(link.url("booking-ics"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{link.request.real_time_scheduling_id}.ics"'
    )
    calendar = assert_valid_ics(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Interview"
    assert event.decoded("DTSTART") == at(10)
    assert event.decoded("DTEND") == at(11)
    assert event["DTSTART"].to_ical() == b"20250303T100000Z"
    assert event.decoded("DTSTAMP") == link.refresh().booked_at.replace(microsecond=0)
    assert str(event["STATUS"]) == "CONFIRMED"


def test_text_values_survive_escaping_and_folding(app_creds, people):
    location = {"description": "Room 4, Building B; north wing"}
    link = booked_link(
        app_creds,
        people,
        event={"event_id": "i-2", "summary": "Interview, round 2", "description": DESCRIPTION,
               "location": location, "tzid": "Europe/London"},
    )  # fmt: skip

    data = booking_ics(scheduling_request=link.refresh())

    [event] = assert_valid_ics(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Interview, round 2"
    assert str(event["DESCRIPTION"]) == DESCRIPTION
    assert str(event["LOCATION"]) == "Room 4, Building B; north wing"
    assert b"Interview\\, round 2" in data  # escaped as RFC 5545 3.3.11 says


def test_a_sequence_gives_one_event_per_step(app_creds, people, visitor):
    link = link_for(app_creds.application, sequencing_body(people[0], people[1]), "sequencing")
    scheduling_request_book(
        scheduling_request=link.request, starts=(at(9), at(10)), user_tzid="Etc/UTC"
    )

    calendar = assert_valid_ics(visitor.get(link.url("booking-ics")).content)

    assert [(str(e["SUMMARY"]), e.decoded("DTSTART")) for e in calendar.walk("VEVENT")] == [
        ("Step screen", at(9)),
        ("Step onsite", at(10)),
    ]


def test_downloading_again_gives_the_same_uids(app_creds, people, visitor):
    link = booked_link(app_creds, people)

    first = icalendar.Calendar.from_ical(visitor.get(link.url("booking-ics")).content)
    second = icalendar.Calendar.from_ical(visitor.get(link.url("booking-ics")).content)

    assert [str(e["UID"]) for e in first.walk("VEVENT")] == [
        str(e["UID"]) for e in second.walk("VEVENT")
    ]


def test_there_is_nothing_to_download_before_booking(link, visitor):
    response = visitor.get(link.url("booking-ics"))

    assert response.status_code == 302
    assert response["Location"] == link.url()
