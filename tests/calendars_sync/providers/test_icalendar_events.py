"""iCalendar in and out: expansion within the window, ids, all-day, zones, and the written form."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import vobject

from calendars_sync.providers.base import OutgoingEvent
from calendars_sync.providers.icalendar_events import (
    NotICalendar,
    calendar_text,
    events_from_text,
    instance_key,
    parse_calendars,
)

NY = ZoneInfo("America/New_York")
WINDOW = (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC))


def ics(*vevents: str, extra: str = "") -> str:
    body = "".join(
        f"BEGIN:VEVENT\nDTSTAMP:20261001T000000Z\n{v.strip()}\nEND:VEVENT\n" for v in vevents
    )
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{extra}{body}END:VCALENDAR\n"


def expand(text: str, window=WINDOW, series_id=str):
    events = events_from_text(text, window=window, series_id=series_id)
    return {event.remote_id: event for event in events}


WEEKLY_NY = """
UID:weekly
DTSTART;TZID=America/New_York:20261026T090000
DTEND;TZID=America/New_York:20261026T100000
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Standup
"""


def test_weekly_series_keeps_local_time_across_the_november_dst_change():
    events = expand(ics(WEEKLY_NY))

    starts = [events[key].start for key in sorted(events)]
    assert [s.astimezone(NY).time() for s in starts] == [dt.time(9)] * 4
    assert [s.astimezone(dt.UTC).hour for s in starts] == [13, 14, 14, 14]
    assert {e.tzid for e in events.values()} == {"America/New_York"}


def test_instances_are_keyed_by_series_and_original_start_in_utc():
    events = expand(ics(WEEKLY_NY), series_id=lambda uid: f"/cal/{uid}.ics")

    assert sorted(events) == [
        "/cal/weekly.ics#20261026T130000Z",
        "/cal/weekly.ics#20261102T140000Z",
        "/cal/weekly.ics#20261109T140000Z",
        "/cal/weekly.ics#20261116T140000Z",
    ]


def test_exdate_removes_and_recurrence_id_overrides_keep_their_original_key():
    moved = """
UID:weekly
RECURRENCE-ID;TZID=America/New_York:20261102T090000
DTSTART;TZID=America/New_York:20261102T110000
DTEND;TZID=America/New_York:20261102T120000
SUMMARY:Moved
"""
    master = WEEKLY_NY + "EXDATE;TZID=America/New_York:20261109T090000\n"
    events = expand(ics(master, moved))

    assert "weekly#20261109T140000Z" not in events
    override = events["weekly#20261102T140000Z"]
    assert (override.summary, override.start) == ("Moved", dt.datetime(2026, 11, 2, 11, tzinfo=NY))
    assert len(events) == 3


def test_cancelled_instance_is_left_out():
    cancelled = """
UID:weekly
RECURRENCE-ID;TZID=America/New_York:20261102T090000
DTSTART;TZID=America/New_York:20261102T090000
DTEND;TZID=America/New_York:20261102T100000
STATUS:CANCELLED
"""
    events = expand(ics(WEEKLY_NY, cancelled))

    assert "weekly#20261102T140000Z" not in events
    assert len(events) == 3


def test_rdate_adds_an_instance():
    events = expand(ics(WEEKLY_NY + "RDATE;TZID=America/New_York:20261028T150000\n"))

    assert events["weekly#20261028T190000Z"].start == dt.datetime(2026, 10, 28, 15, tzinfo=NY)


def test_only_instances_within_the_window_come_out():
    window = (dt.datetime(2026, 11, 5, tzinfo=dt.UTC), dt.datetime(2026, 11, 12, tzinfo=dt.UTC))
    series_from_last_year = """
UID:old
DTSTART:20250101T100000Z
DTEND:20250101T110000Z
RRULE:FREQ=WEEKLY
"""
    single_outside = "UID:outside\nDTSTART:20261201T100000Z\nDTEND:20261201T110000Z\n"
    events = expand(ics(WEEKLY_NY, series_from_last_year, single_outside), window=window)

    assert sorted(events) == ["old#20261111T100000Z", "weekly#20261109T140000Z"]


def test_all_day_event_has_dates_and_single_event_id_is_its_series():
    events = expand(ics("UID:holiday\nDTSTART;VALUE=DATE:20261103\nSUMMARY:Day off\n"))

    assert events["holiday"].start == dt.date(2026, 11, 3)
    assert events["holiday"].end == dt.date(2026, 11, 4)
    assert events["holiday"].tzid is None


def test_transparent_and_tentative_are_kept():
    events = expand(
        ics(
            "UID:free\nDTSTART:20261103T100000Z\nDTEND:20261103T110000Z\nTRANSP:TRANSPARENT\n",
            "UID:maybe\nDTSTART:20261104T100000Z\nDURATION:PT30M\nSTATUS:TENTATIVE\n",
        )
    )

    assert (events["free"].transparent, events["free"].status) == (True, "confirmed")
    assert (events["maybe"].transparent, events["maybe"].status) == (False, "tentative")
    assert events["maybe"].end == dt.datetime(2026, 11, 4, 10, 30, tzinfo=dt.UTC)


def test_floating_times_are_read_in_the_calendars_x_wr_timezone():
    text = ics(
        "UID:floating\nDTSTART:20261103T100000\nDTEND:20261103T110000\n",
        extra="X-WR-TIMEZONE:Europe/Berlin\n",
    )

    assert expand(text)["floating"].start == dt.datetime(
        2026, 11, 3, 10, tzinfo=ZoneInfo("Europe/Berlin")
    )


def test_non_icalendar_text_is_refused():
    with pytest.raises(NotICalendar):
        parse_calendars("<html><body>Not found</body></html>")


def test_instance_key_forms():
    assert instance_key(dt.datetime(2026, 11, 2, 9, tzinfo=NY)) == "20261102T140000Z"
    assert instance_key(dt.date(2026, 11, 2)) == "20261102"


def test_outgoing_event_is_valid_icalendar_in_its_zone():
    event = OutgoingEvent(
        summary="Booked",
        start=dt.datetime(2026, 11, 3, 14, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 3, 15, tzinfo=dt.UTC),
        tzid="America/New_York",
        uid="evt_1@example",
        location="Room 1",
    )
    text = calendar_text(event, now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))

    vobject.readOne(text).validate()
    assert "UID:evt_1@example" in text
    assert "DTSTART;TZID=America/New_York:20261103T090000" in text
    assert "BEGIN:VTIMEZONE" in text
    assert expand(text)["evt_1@example"].start == event.start


def test_outgoing_all_day_event_is_written_as_dates():
    event = OutgoingEvent(
        summary="Off", start=dt.date(2026, 11, 3), end=dt.date(2026, 11, 4), uid="day@x"
    )
    text = calendar_text(event)

    assert "DTSTART;VALUE=DATE:20261103" in text
    assert expand(text)["day@x"].end == dt.date(2026, 11, 4)


@pytest.mark.timing
def test_ten_thousand_events_expand_quickly():
    singles = [
        f"UID:e{i}\nDTSTART:2026{10 + i % 2:02d}{1 + i % 28:02d}T{i % 24:02d}0000Z\nDURATION:PT1H\n"
        for i in range(9_900)
    ]
    series = [
        f"UID:r{i}\nDTSTART:20261001T0{i % 10}0000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY\n"
        for i in range(100)
    ]
    text = ics(*singles, *series)

    began = time.process_time()
    events = expand(text)
    elapsed = time.process_time() - began

    assert len(events) == 9_900 + 100 * 9
    assert elapsed < 5
