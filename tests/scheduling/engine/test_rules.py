"""Rule expansion in the rule's own zone, across DST changes on both hemispheres.

2025 changes: London 30 Mar 01:00 GMT->02:00 BST, 26 Oct 02:00 BST->01:00 GMT; New York 9 Mar
02:00 EST->03:00 EDT, 2 Nov 02:00 EDT->01:00 EST; Sydney 6 Apr 03:00 AEDT->02:00 AEST, 5 Oct
02:00 AEST->03:00 AEDT; Santiago 6 Apr 00:00 -03->5 Apr 23:00 -04, 7 Sep 00:00 -04->01:00 -03.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.engine import (
    AvailabilityQuery,
    Group,
    Interval,
    Member,
    Rule,
    WeeklyPeriod,
    availability,
)

SPRING = {
    "Europe/London": date(2025, 3, 30),
    "America/New_York": date(2025, 3, 9),
    "Australia/Sydney": date(2025, 10, 5),
    "America/Santiago": date(2025, 9, 7),
}
AUTUMN = {
    "Europe/London": date(2025, 10, 26),
    "America/New_York": date(2025, 11, 2),
    "Australia/Sydney": date(2025, 4, 6),
    "America/Santiago": date(2025, 4, 6),
}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def expand(tzid: str, day: date, periods, response_format="periods", minutes=1):
    """Windows (or slots) of a managed member whose only rule has `periods` on every weekday,
    queried from two days before noon UTC of `day` to two days after, as UTC datetime pairs."""
    rule = Rule(tzid, tuple(WeeklyPeriod(d, s, e) for d in range(7) for s, e in periods))
    member = Member("acc_a", [], managed=True, rules=(rule,))
    middle = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    query = AvailabilityQuery(
        groups=(Group((member,)),),
        query_periods=(Interval(middle - timedelta(days=2), middle + timedelta(days=2)),),
        required_duration=timedelta(minutes=minutes),
        start_interval=timedelta(minutes=60),
        now=middle - timedelta(days=3),
        response_format=response_format,
    )
    return [(r.start, r.end) for r in availability(query)]


def text(windows) -> list[str]:
    return [f"{s:%Y-%m-%d %H:%M}-{e:%Y-%m-%d %H:%M}" for s, e in windows]


def on_day(tzid: str, day: date, periods, **options):
    """The windows that start on `day` in local time."""
    tz = ZoneInfo(tzid)
    return [
        (s, e) for s, e in expand(tzid, day, periods, **options) if s.astimezone(tz).date() == day
    ]


def local_hours(tzid: str, day: date, periods) -> set[tuple[str, str]]:
    """Local start and end times of the windows starting the day before, on and after `day`."""
    tz = ZoneInfo(tzid)
    windows = [w for d in (-1, 0, 1) for w in on_day(tzid, day + timedelta(days=d), periods)]
    assert len(windows) == 3
    return {(f"{s.astimezone(tz):%H:%M}", f"{e.astimezone(tz):%H:%M}") for s, e in windows}


@pytest.mark.parametrize(
    ("tzid", "day", "expected"),
    [
        ("Europe/London", SPRING["Europe/London"], "2025-03-30 08:00-2025-03-30 16:00"),
        ("America/New_York", SPRING["America/New_York"], "2025-03-09 13:00-2025-03-09 21:00"),
        ("Australia/Sydney", SPRING["Australia/Sydney"], "2025-10-04 22:00-2025-10-05 06:00"),
        ("America/Santiago", SPRING["America/Santiago"], "2025-09-07 12:00-2025-09-07 20:00"),
        ("Europe/London", AUTUMN["Europe/London"], "2025-10-26 09:00-2025-10-26 17:00"),
        ("America/New_York", AUTUMN["America/New_York"], "2025-11-02 14:00-2025-11-02 22:00"),
        ("Australia/Sydney", AUTUMN["Australia/Sydney"], "2025-04-05 23:00-2025-04-06 07:00"),
        ("America/Santiago", AUTUMN["America/Santiago"], "2025-04-06 13:00-2025-04-06 21:00"),
    ],
)
def test_nine_to_five_stays_nine_to_five_local_on_the_change_day(tzid, day, expected):
    assert text(on_day(tzid, day, [(9 * 60, 17 * 60)])) == [expected]
    assert local_hours(tzid, day, [(9 * 60, 17 * 60)]) == {("09:00", "17:00")}


@pytest.mark.parametrize(
    ("tzid", "day", "period", "expected"),
    [
        # A start that never happens moves to the instant the clocks jump...
        ("America/New_York", date(2025, 3, 9), (150, 240), ["2025-03-09 07:00-2025-03-09 08:00"]),
        ("Europe/London", date(2025, 3, 30), (90, 180), ["2025-03-30 01:00-2025-03-30 02:00"]),
        ("Australia/Sydney", date(2025, 10, 5), (150, 240), ["2025-10-04 16:00-2025-10-04 17:00"]),
        ("America/Santiago", date(2025, 9, 7), (0, 120), ["2025-09-07 04:00-2025-09-07 05:00"]),
        # ...so does an end...
        ("America/New_York", date(2025, 3, 9), (60, 150), ["2025-03-09 06:00-2025-03-09 07:00"]),
        # ...including a next local midnight that does not exist (end_minute 1440).
        ("America/Santiago", date(2025, 9, 6), (1320, 1440), ["2025-09-07 02:00-2025-09-07 04:00"]),
        # A period wholly inside the gap is empty.
        ("America/New_York", date(2025, 3, 9), (120, 180), []),
        ("Europe/London", date(2025, 3, 30), (60, 120), []),
        ("Australia/Sydney", date(2025, 10, 5), (120, 180), []),
        ("America/Santiago", date(2025, 9, 7), (0, 60), []),
    ],
)
def test_spring_gap(tzid, day, period, expected):
    assert text(on_day(tzid, day, [period])) == expected


@pytest.mark.parametrize(
    ("tzid", "day", "period", "expected"),
    [
        # An ambiguous start takes the first occurrence, an ambiguous end the second.
        ("America/New_York", date(2025, 11, 2), (90, 180), ["2025-11-02 05:30-2025-11-02 08:00"]),
        ("America/New_York", date(2025, 11, 2), (0, 90), ["2025-11-02 04:00-2025-11-02 06:30"]),
        ("America/New_York", date(2025, 11, 2), (60, 120), ["2025-11-02 05:00-2025-11-02 07:00"]),
        ("Europe/London", date(2025, 10, 26), (75, 105), ["2025-10-26 00:15-2025-10-26 01:45"]),
        ("Australia/Sydney", date(2025, 4, 6), (150, 240), ["2025-04-05 15:30-2025-04-05 18:00"]),
        ("Australia/Sydney", date(2025, 4, 6), (0, 150), ["2025-04-05 13:00-2025-04-05 16:30"]),
        ("America/Santiago", date(2025, 4, 5), (1200, 1410), ["2025-04-05 23:00-2025-04-06 03:30"]),
        ("America/Santiago", date(2025, 4, 5), (1410, 1440), ["2025-04-06 02:30-2025-04-06 04:00"]),
    ],
)
def test_autumn_overlap(tzid, day, period, expected):
    assert text(on_day(tzid, day, [period])) == expected


def test_periods_on_consecutive_days_join_across_the_change():
    windows = expand("America/Santiago", SPRING["America/Santiago"], [(0, 1440)])
    assert text(windows) == ["2025-09-05 12:00-2025-09-09 12:00"]


def test_a_rule_only_applies_on_its_weekdays():
    rule = Rule("Europe/London", (WeeklyPeriod(0, 9 * 60, 10 * 60),))  # Mondays
    member = Member("acc_a", [], managed=True, rules=(rule,))
    start = datetime(2025, 3, 28, tzinfo=UTC)  # Friday
    query = AvailabilityQuery(
        groups=(Group((member,)),),
        query_periods=(Interval(start, start + timedelta(days=7)),),
        required_duration=timedelta(minutes=30),
        now=start,
    )
    assert [(r.start, r.end) for r in availability(query)] == [
        (utc("2025-03-31 08:00"), utc("2025-03-31 09:00"))
    ]


def test_hourly_slots_skip_the_missing_hour_in_new_york():
    tz = ZoneInfo("America/New_York")
    slots = on_day(tz.key, date(2025, 3, 9), [(0, 240)], response_format="slots", minutes=60)
    starts = [f"{start.astimezone(tz):%H:%M}" for start, _ in slots]
    assert starts == ["00:00", "01:00", "03:00"]


def test_hourly_slots_repeat_the_doubled_hour_in_sydney():
    tz = ZoneInfo("Australia/Sydney")
    slots = on_day(tz.key, date(2025, 4, 6), [(0, 240)], response_format="slots", minutes=60)
    starts = [f"{start.astimezone(tz):%H:%M%z}" for start, _ in slots]
    assert starts == ["00:00+1100", "01:00+1100", "02:00+1100", "02:00+1000", "03:00+1000"]


CHANGE_DAYS = [
    *sorted({(z, d) for table in (SPRING, AUTUMN) for z, d in table.items()}),
    ("Australia/Lord_Howe", date(2025, 4, 6)),  # clocks go back half an hour
    ("Australia/Lord_Howe", date(2025, 10, 5)),
    ("Asia/Kolkata", date(2025, 3, 9)),
]


@st.composite
def weekly_periods(draw):
    out = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 1439))
        out.append((start, draw(st.integers(start + 1, 1440))))
    return out


@settings(max_examples=40, derandomize=True, deadline=None)
@given(st.sampled_from(CHANGE_DAYS), weekly_periods())
def test_windows_cover_exactly_the_wall_clock_minutes_up_to_the_doubled_hour(case, periods):
    """Every minute whose local wall clock lies in a period is covered; a covered minute whose
    wall clock lies outside every period can only be one that happens twice (autumn)."""
    tzid, day = case
    tz = ZoneInfo(tzid)
    covered = set()
    for start, end in expand(tzid, day, periods):
        covered.update(range(int(start.timestamp()) // 60, int(end.timestamp()) // 60))
    middle = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    first = int((middle - timedelta(days=2)).timestamp()) // 60
    for minute in range(first, first + 4 * 1440):
        local = datetime.fromtimestamp(minute * 60, tz)
        wall = local.hour * 60 + local.minute
        inside = any(s <= wall < e for s, e in periods)
        twin = local.replace(fold=1 - local.fold)
        doubled = twin.utcoffset() != local.utcoffset()
        assert inside <= (minute in covered)
        assert (minute in covered) <= (inside or doubled)


def test_a_period_ending_at_a_doubled_midnight_reaches_into_the_next_local_date():
    # Havana falls back from 01:00 to 00:00 on Sunday 2 Nov 2025, so Saturday's 20:00-24:00
    # ends at the second midnight (05:00Z): a query starting at the first 00:30 still sees it.
    rule = Rule("America/Havana", (WeeklyPeriod(5, 20 * 60, 1440),))
    member = Member("acc_a", [], managed=True, rules=(rule,))
    query = AvailabilityQuery(
        groups=(Group((member,)),),
        query_periods=(Interval(utc("2025-11-02 04:30"), utc("2025-11-02 06:00")),),
        required_duration=timedelta(minutes=5),
        now=utc("2025-11-01 00:00"),
    )
    assert [(r.start, r.end) for r in availability(query)] == [
        (utc("2025-11-02 04:30"), utc("2025-11-02 05:00"))
    ]
