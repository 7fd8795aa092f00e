"""The fast path (icalendar_fast) against icalendar itself: for every document, plain or odd,
`events_from_text` gives exactly what `events_of(parse_calendars(...))` gives, or the same error."""

import datetime as dt

import pytest

from calendars_sync.providers import icalendar_fast
from calendars_sync.providers.icalendar_events import (
    NotICalendar,
    events_from_text,
    events_of,
    parse_calendars,
)

WINDOW = (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
BERLIN_ZONE = """BEGIN:VTIMEZONE
TZID:{tzid}
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
"""


def doc(*parts: str, head: str = HEAD) -> str:
    return (
        head
        + "".join(p if p.startswith("BEGIN:") else event(p) for p in parts)
        + "END:VCALENDAR\r\n"
    )


def event(body: str) -> str:
    return f"BEGIN:VEVENT\nDTSTAMP:20261001T000000Z\n{body.strip()}\nEND:VEVENT\n"


def outcome(call):
    try:
        return call()
    except Exception as exc:  # the error itself is compared
        return (type(exc), str(exc))


def assert_same(text, series_id=str):
    fast = outcome(lambda: events_from_text(text, window=WINDOW, series_id=series_id))
    reference = outcome(
        lambda: events_of(parse_calendars(text), window=WINDOW, series_id=series_id)
    )
    assert fast == reference
    return fast


PLAIN = "UID:a\nDTSTART:20261103T100000Z\nDTEND:20261103T110000Z\nSUMMARY:Plain"
CASES = {
    "utc": PLAIN,
    "zone": "UID:z\nDTSTART;TZID=Europe/Berlin:20261103T100000\nDURATION:PT1H30M\nSUMMARY:Z",
    "quoted zone": (
        "UID:q\n"
        'DTSTART;TZID="America/New_York":20261103T100000\n'
        'DTEND;TZID="America/New_York":20261103T110000'
    ),
    "zone and Z": "UID:zz\nDTSTART;TZID=Europe/Berlin:20261103T100000Z\nDTEND:20261103T110000Z",
    "unknown zone": (
        "UID:u\nDTSTART;TZID=Mars/Olympus:20261103T100000\nDTEND;TZID=Mars/Olympus:20261103T110000"
    ),
    "windows zone": "UID:w\nDTSTART;TZID=W. Europe Standard Time:20261103T100000\nDURATION:PT1H",
    "vendor zone": "UID:v\nDTSTART;TZID=/mozilla.org/20070129_1/Europe/Berlin:20261103T100000",
    "zone on a date": "UID:zd\nDTSTART;TZID=Europe/Berlin;VALUE=DATE:20261103",
    "all day": "UID:d\nDTSTART;VALUE=DATE:20261103\nDTEND;VALUE=DATE:20261105",
    "date without end": "UID:d1\nDTSTART;VALUE=DATE:20261103",
    "time without end": "UID:t0\nDTSTART:20261103T100000Z",
    "date start, time end": "UID:dt\nDTSTART;VALUE=DATE:20261103\nDTEND:20261104T100000Z",
    "floating": "UID:f\nDTSTART:20261103T100000\nDTEND:20261103T110000",
    "escapes": (
        "UID:e\\,1\n"
        "DTSTART:20261103T100000Z\n"
        "SUMMARY:a\\, b\\; c\\n"
        "d\\\\e\n"
        "DESCRIPTION:x\\Ny\n"
        "LOCATION:Room\\, 1"
    ),
    "spaces": (
        "UID:  s  \n"
        "DTSTART:20261103T100000Z\n"
        "SUMMARY:  padded  \n"
        "STATUS:tentative\n"
        "TRANSP:transparent"
    ),
    "cancelled": "UID:c\nDTSTART:20261103T100000Z\nSTATUS:CANCELLED",
    "empty status": "UID:es\nDTSTART:20261103T100000Z\nSTATUS:\nTRANSP:",
    "no start": "UID:ns\nSUMMARY:No start",
    "no uid": "DTSTART:20261103T100000Z\nSUMMARY:Anonymous",
    "empty uid": "UID:\nDTSTART:20261103T100000Z",
    "twice summary": "UID:ts\nDTSTART:20261103T100000Z\nSUMMARY:one\nSUMMARY:two",
    "end and duration": "UID:ed\nDTSTART:20261103T100000Z\nDTEND:20261103T120000Z\nDURATION:PT1H",
    "negative duration": "UID:nd\nDTSTART:20261103T100000Z\nDURATION:-PT1H",
    "weeks": "UID:wk\nDTSTART:20261103T100000Z\nDURATION:P1W",
    "bad duration": "UID:bd\nDTSTART:20261103T100000Z\nDURATION:1 hour",
    "bad start": "UID:bs\nDTSTART:20261303T100000Z\nDTEND:20261103T110000Z",
    "start as text": "UID:st\nDTSTART:tomorrow",
    "end before start": "UID:eb\nDTSTART:20261103T100000Z\nDTEND:20261103T090000Z",
    "outside": "UID:o\nDTSTART:20270103T100000Z\nDTEND:20270103T110000Z",
    "lower case names": "uid:lc\ndtstart;tzid=Europe/Berlin:20261103T100000\nsummary:lower",
    "folded": "UID:fo\nDTSTART:20261103T100000Z\nSUMMARY:a long\n  folded line\nDESCRIPTION:x\n\ty",
    "caret in a parameter": "UID:ca\nDTSTART:20261103T100000Z\nSUMMARY;X-P=a^nb:caret",
    "colon in a quoted parameter": (
        'UID:cq\nDTSTART:20261103T100000Z\nORGANIZER;CN="A: B":mailto:a@b.c'
    ),
    "categories": "UID:cat\nDTSTART:20261103T100000Z\nCATEGORIES:a,b\\,c",
    "rdate empty": "UID:re\nDTSTART:20261103T100000Z\nRDATE:",
    "exdate on a single": "UID:ex\nDTSTART:20261103T100000Z\nEXDATE:20261103T100000Z",
    "valarm": (
        "UID:al\nDTSTART:20261103T100000Z\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nEND:VALARM"
    ),
    "broken valarm": (
        "UID:ba\nDTSTART:20261103T100000Z\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:soon\nEND:VALARM"
    ),
}
SERIES = (
    "UID:s\nDTSTART;TZID=Europe/Berlin:20261005T090000\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=6"
)
OVERRIDE = (
    "UID:s\n"
    "RECURRENCE-ID;TZID=Europe/Berlin:20261012T090000\n"
    "DTSTART;TZID=Europe/Berlin:20261012T150000\n"
    "DURATION:PT1H"
)


@pytest.mark.parametrize("body", CASES.values(), ids=CASES.keys())
def test_one_event_reads_as_icalendar_reads_it(body):
    assert_same(doc(PLAIN.replace("UID:a", "UID:first"), body, SERIES, OVERRIDE))


@pytest.mark.parametrize("body", CASES.values(), ids=CASES.keys())
def test_one_object_reads_as_icalendar_reads_it_with_a_series_id(body):
    assert_same(doc(body), series_id=lambda uid: f"/cal/{uid}.ics")


DOCUMENTS = {
    "crlf and lf": doc(PLAIN).replace("\r\n", "\n"),
    "duplicate uid, first wins": doc(PLAIN, PLAIN.replace("Plain", "Second")),
    "plain event sharing a series uid": doc(SERIES, "UID:s\nDTSTART:20261103T100000Z"),
    "series and override": doc(SERIES, OVERRIDE, PLAIN),
    "x-wr-timezone": doc(CASES["floating"], head=HEAD + "X-WR-TIMEZONE:Europe/Berlin\r\n"),
    "windows zone defined": doc(
        BERLIN_ZONE.format(tzid="W. Europe Standard Time"), CASES["windows zone"]
    ),
    "custom zone after use": doc(
        "UID:cz\nDTSTART;TZID=Custom Berlin:20261103T100000\nDURATION:PT1H",
        BERLIN_ZONE.format(tzid="Custom Berlin"),
    ),
    "iana zone with its vtimezone": doc(BERLIN_ZONE.format(tzid="Europe/Berlin"), CASES["zone"]),
    "broken vtimezone": doc(
        BERLIN_ZONE.format(tzid="Europe/Berlin").replace("TZOFFSETTO:+0100", "TZOFFSETTO:x"),
        CASES["zone"],
    ),
    "vtodo and x component": doc(
        "BEGIN:VTODO\nUID:todo\nDTSTART:20261103T100000Z\nEND:VTODO\n",
        "BEGIN:X-THING\nX-A:1\nEND:X-THING\n",
        PLAIN,
    ),
    "two calendars": doc(PLAIN) + doc(PLAIN.replace("UID:a", "UID:b")),
    "property outside": doc(PLAIN) + "SUMMARY:stray\r\n",
    "end without begin": doc(PLAIN) + "END:VEVENT\r\n",
    "unclosed": doc(PLAIN).replace("END:VCALENDAR\r\n", ""),
    "mismatched end": doc(PLAIN).replace("END:VEVENT", "END:VTODO"),
    "not a calendar": "BEGIN:VEVENT\nUID:a\nEND:VEVENT\n",
    "html": "<html><body>Log in</body></html>",
    "bom": "\ufeff" + doc(PLAIN),
    "bad calendar property": doc(PLAIN, head=HEAD + "LAST-MODIFIED:yesterday\r\n"),
    "line without colon": doc(PLAIN).replace("SUMMARY:Plain", "SUMMARY Plain"),
    "latin-1 bytes": doc(PLAIN.replace("Plain", "Caf\xe9")).encode("latin-1"),
    "utf-8 bytes": doc(PLAIN.replace("Plain", "Caf\xe9")).encode(),
}


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_whole_documents_read_as_icalendar_reads_them(text):
    assert_same(text)


def test_plain_events_skip_icalendar_and_series_do_not():
    (split,) = icalendar_fast.split_calendars(doc(PLAIN, CASES["zone"], SERIES, OVERRIDE))

    assert [event.uid for _, event in split.plain] == ["a", "z"]
    assert [c["UID"] for c in split.rest.subcomponents] == ["s", "s"]


def test_a_document_outside_the_plain_grammar_is_left_to_icalendar():
    assert icalendar_fast.split_calendars(DOCUMENTS["line without colon"]) is None
    assert icalendar_fast.split_calendars(DOCUMENTS["two calendars"]) is None
    with pytest.raises(NotICalendar):
        events_from_text(DOCUMENTS["html"], window=WINDOW)
