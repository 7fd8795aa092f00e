"""Timekit's constraints, evaluated in a resource's zone (bookings/engine/constraints.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.engine.constraints import (
    ConstraintError,
    allowed_spans,
    constraint_parse,
    constraints_parse,
)
from scheduling.engine.model import WEEKDAYS

UTC = dt.UTC
MONDAY = dt.datetime(2025, 1, 6, tzinfo=UTC)  # a Monday in winter: no DST change that week
WEEK = dt.timedelta(days=7)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def spans(raws, *, tzid="Etc/UTC", start=MONDAY, end=MONDAY + WEEK, sets=None):
    """allowed_spans of one constraint set (or several) as (start, end) pairs."""
    parsed = [constraints_parse(raw) for raw in (sets or [raws])]
    return [tuple(i) for i in allowed_spans(parsed, tzid=tzid, start=start, end=end)]


def hours(day: int, start: int, end: int, base=MONDAY) -> tuple[dt.datetime, dt.datetime]:
    midnight = base + dt.timedelta(days=day)
    return midnight + dt.timedelta(hours=start), midnight + dt.timedelta(hours=end)


# Builders, one line each.


def test_no_constraint_allows_everything():
    assert spans([]) == [(MONDAY, MONDAY + WEEK)]


def test_allow_hours_is_every_day_between_the_hours():
    assert spans([{"allow_hours": {"start": 9, "end": 17}}]) == [hours(d, 9, 17) for d in range(7)]


def test_block_hours_leaves_the_rest_of_every_day():
    assert spans([{"block_hours": {"start": 0, "end": 20}}]) == [hours(d, 20, 24) for d in range(7)]


def test_allow_day_is_the_whole_local_day_and_case_insensitive():
    assert spans([{"allow_day": {"day": "wEdNeSdAy"}}]) == [hours(2, 0, 24)]


def test_block_day_removes_one_day():
    assert spans([{"block_day": {"day": "Monday"}}]) == [
        (MONDAY + dt.timedelta(days=1), MONDAY + WEEK)
    ]


def test_allow_day_and_time():
    assert spans([{"allow_day_and_time": {"day": "Friday", "start": 8, "end": 12}}]) == [
        hours(4, 8, 12)
    ]


def test_block_day_and_time():
    blocked = spans([{"block_day_and_time": {"day": "Monday", "start": 0, "end": 12}}])
    assert blocked == [(hours(0, 12, 13)[0], MONDAY + WEEK)]


def test_allow_weekdays():
    assert spans([{"allow_weekdays": {}}]) == [(MONDAY, MONDAY + dt.timedelta(days=5))]


def test_block_weekends():
    assert spans([{"block_weekends": {}}]) == [(MONDAY, MONDAY + dt.timedelta(days=5))]


def test_allow_period_of_dates_ends_at_the_exclusive_midnight():
    period = {"allow_period": {"start": "2025-01-07", "end": "2025-01-09"}}
    assert spans([period]) == [(utc(2025, 1, 7), utc(2025, 1, 9))]


def test_block_period_of_datetimes_is_exact():
    period = {"block_period": {"start": "2025-01-07T10:00:00+01:00", "end": "2025-01-12T00:00Z"}}
    assert spans([period]) == [(MONDAY, utc(2025, 1, 7, 9)), (utc(2025, 1, 12), MONDAY + WEEK)]


def test_a_period_without_offset_is_local_wall_time():
    period = {"allow_period": {"start": "2025-01-07T09:00", "end": "2025-01-07T10:00"}}
    assert spans([period], tzid="America/New_York") == [(utc(2025, 1, 7, 14), utc(2025, 1, 7, 15))]


# Combining.


def test_allows_of_one_family_add_up():
    both = [{"allow_day": {"day": "Monday"}}, {"allow_day": {"day": "Tuesday"}}]
    assert spans(both) == [(MONDAY, MONDAY + dt.timedelta(days=2))]


def test_allow_families_intersect():
    raws = [{"allow_weekdays": {}}, {"allow_hours": {"start": 9, "end": 17}}]
    assert spans(raws) == [hours(d, 9, 17) for d in range(5)]


def test_blocks_cut_what_allows_leave():
    raws = [{"allow_hours": {"start": 9, "end": 17}}, {"block_hours": {"start": 12, "end": 13}}]
    assert spans(raws)[:2] == [hours(0, 9, 12), hours(0, 13, 17)]


def test_every_set_must_allow():
    sets = [[{"allow_hours": {"start": 9, "end": 17}}], [{"allow_hours": {"start": 15, "end": 20}}]]
    assert spans(None, sets=sets) == [hours(d, 15, 17) for d in range(7)]


def test_hours_are_the_resources_local_hours():
    raws = [{"allow_day_and_time": {"day": "Monday", "start": 9, "end": 10}}]
    assert spans(raws, tzid="Asia/Kolkata") == [(utc(2025, 1, 6, 3, 30), utc(2025, 1, 6, 4, 30))]


# DST, in two zones: spring gap and autumn overlap.

PARIS_SPRING = utc(2025, 3, 30)  # 02:00 CET -> 03:00 CEST
PARIS_AUTUMN = utc(2025, 10, 26)  # 03:00 CEST -> 02:00 CET
NY_SPRING = utc(2025, 3, 9)  # 02:00 EST -> 03:00 EDT
NY_AUTUMN = utc(2025, 11, 2)  # 02:00 EDT -> 01:00 EST


def day_of(day: dt.datetime, raws, tzid):
    """Spans within the local date of `day` in `tzid` and an hour or two around it."""
    tz = ZoneInfo(tzid)
    midnight = dt.datetime.combine(day.date(), dt.time(), tzinfo=tz)
    start = midnight.astimezone(UTC) - dt.timedelta(hours=1)
    return spans(raws, tzid=tzid, start=start, end=start + dt.timedelta(hours=27))


def test_working_hours_follow_the_spring_change_in_paris():
    found = day_of(PARIS_SPRING, [{"allow_hours": {"start": 9, "end": 17}}], "Europe/Paris")
    assert found == [(utc(2025, 3, 30, 7), utc(2025, 3, 30, 15))]


def test_working_hours_follow_the_autumn_change_in_new_york():
    found = day_of(NY_AUTUMN, [{"allow_hours": {"start": 9, "end": 17}}], "America/New_York")
    assert found == [(utc(2025, 11, 2, 14), utc(2025, 11, 2, 22))]


def test_hours_wholly_inside_the_spring_gap_are_empty():
    raws = [{"allow_day_and_time": {"day": "Sunday", "start": 2, "end": 3}}]
    assert day_of(PARIS_SPRING, raws, "Europe/Paris") == []
    assert day_of(NY_SPRING, raws, "America/New_York") == []


def test_hours_across_the_spring_gap_are_an_hour_shorter():
    raws = [{"allow_day_and_time": {"day": "Sunday", "start": 1, "end": 4}}]
    assert day_of(PARIS_SPRING, raws, "Europe/Paris") == [
        (utc(2025, 3, 30, 0), utc(2025, 3, 30, 2))
    ]
    assert day_of(NY_SPRING, raws, "America/New_York") == [(utc(2025, 3, 9, 6), utc(2025, 3, 9, 8))]


def test_hours_in_the_autumn_overlap_cover_both_occurrences():
    paris = [{"allow_day_and_time": {"day": "Sunday", "start": 2, "end": 3}}]
    assert day_of(PARIS_AUTUMN, paris, "Europe/Paris") == [
        (utc(2025, 10, 26, 0), utc(2025, 10, 26, 2))
    ]
    york = [{"allow_day_and_time": {"day": "Sunday", "start": 1, "end": 2}}]
    assert day_of(NY_AUTUMN, york, "America/New_York") == [
        (utc(2025, 11, 2, 5), utc(2025, 11, 2, 7))
    ]


def test_a_blocked_date_on_a_dst_day_is_23_or_25_hours():
    spring = [{"block_period": {"start": "2025-03-30", "end": "2025-03-31"}}]
    found = day_of(PARIS_SPRING, spring, "Europe/Paris")
    assert found[1][0] - found[0][1] == dt.timedelta(hours=23)
    autumn = [{"block_period": {"start": "2025-11-02", "end": "2025-11-03"}}]
    found = day_of(NY_AUTUMN, autumn, "America/New_York")
    assert found[1][0] - found[0][1] == dt.timedelta(hours=25)


# Validation: the field named.


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"allow_hours": {"start": 9}}, "allow_hours.end"),
        ({"allow_hours": {"start": 17, "end": 9}}, "allow_hours.end"),
        ({"allow_hours": {"start": 9, "end": 25}}, "allow_hours.end"),
        ({"allow_hours": {"start": -1, "end": 5}}, "allow_hours.start"),
        ({"allow_hours": {"start": True, "end": 5}}, "allow_hours.start"),
        ({"allow_hours": {"start": "9", "end": 17}}, "allow_hours.start"),
        ({"block_day": {"day": "Mon"}}, "block_day.day"),
        ({"block_day": {}}, "block_day.day"),
        ({"allow_day_and_time": {"day": "Friday", "start": 9, "end": 9}}, "allow_day_and_time.end"),
        ({"allow_period": {"start": "2025-01-02", "end": "2025-01-01"}}, "allow_period.end"),
        ({"allow_period": {"start": "yesterday", "end": "2025-01-01"}}, "allow_period.start"),
        ({"allow_period": {"start": "2025-01-01", "end": "2025-01-02T00:00Z"}}, "allow_period.end"),
        ({"allow_weekdays": {"day": "Monday"}}, "allow_weekdays.day"),
        ({"allow_hours": 5}, "allow_hours"),
        ({"allow_everything": {}}, ""),
        ({"allow_hours": {}, "block_day": {}}, ""),
    ],
)
def test_a_bad_constraint_names_its_field(raw, field):
    with pytest.raises(ConstraintError) as caught:
        constraint_parse(raw)
    assert caught.value.field == field


def test_a_list_error_is_prefixed_with_the_index():
    with pytest.raises(ConstraintError) as caught:
        constraints_parse([{"allow_weekdays": {}}, {"block_day": {"day": "x"}}])
    assert caught.value.field == "1.block_day.day"


# Against a slow, obviously right reference: every 15 minutes, read the local wall clock.

ZONES = ("Etc/UTC", "Asia/Kolkata", "America/New_York", "Europe/Paris")
STEP = dt.timedelta(minutes=15)
DAYS = st.sampled_from([d.capitalize() for d in WEEKDAYS])
HOUR_PAIRS = st.tuples(st.integers(0, 23), st.integers(1, 24)).filter(lambda p: p[0] < p[1])
DATES = st.dates(dt.date(2025, 1, 4), dt.date(2025, 1, 16))


def _constraint():
    kind = st.sampled_from(["allow", "block"])
    return st.one_of(
        st.builds(
            lambda k, d, h: {f"{k}_day_and_time": {"day": d, "start": h[0], "end": h[1]}},
            kind,
            DAYS,
            HOUR_PAIRS,
        ),
        st.builds(lambda k, h: {f"{k}_hours": {"start": h[0], "end": h[1]}}, kind, HOUR_PAIRS),
        st.builds(lambda k, d: {f"{k}_day": {"day": d}}, kind, DAYS),
        st.builds(
            lambda k, a, b: {
                f"{k}_period": {
                    "start": str(min(a, b)),
                    "end": str(max(a, b) + dt.timedelta(days=1)),
                }
            },
            kind,
            DATES,
            DATES,
        ),
        st.just({"allow_weekdays": {}}),
        st.just({"block_weekends": {}}),
    )


def _covers(raw: dict, local: dt.datetime) -> bool:
    ((name, fields),) = raw.items()
    weekday, hour = local.weekday(), local.hour
    if name.endswith("_day_and_time"):
        return (
            weekday == WEEKDAYS.index(fields["day"].lower())
            and fields["start"] <= hour < fields["end"]
        )
    if name.endswith("_hours"):
        return fields["start"] <= hour < fields["end"]
    if name.endswith("_day"):
        return weekday == WEEKDAYS.index(fields["day"].lower())
    if name.endswith("_period"):
        return fields["start"] <= local.date().isoformat() < fields["end"]
    return weekday < 5 if name == "allow_weekdays" else weekday >= 5


def _family(name: str) -> str:
    return "hours" if name.endswith("_hours") else "periods" if name.endswith("_period") else "days"


def _reference_allows(raws: list[dict], local: dt.datetime) -> bool:
    allows: dict[str, list[bool]] = {}
    for raw in raws:
        name = next(iter(raw))
        if name.startswith("allow_"):
            allows.setdefault(_family(name), []).append(_covers(raw, local))
        elif _covers(raw, local):
            return False
    return all(any(found) for found in allows.values())


@settings(max_examples=150, deadline=None)
@given(
    sets=st.lists(st.lists(_constraint(), max_size=4), min_size=1, max_size=3),
    tzid=st.sampled_from(ZONES),
)
def test_allowed_spans_agree_with_reading_the_wall_clock(sets, tzid):
    start, end = utc(2025, 1, 5), utc(2025, 1, 15)  # no DST change in any of the zones
    found = spans(None, tzid=tzid, start=start, end=end, sets=sets)
    tz = ZoneInfo(tzid)
    t = start
    while t < end:
        expected = all(_reference_allows(raws, t.astimezone(tz)) for raws in sets)
        assert any(s <= t < e for s, e in found) == expected, t
        t += STEP
