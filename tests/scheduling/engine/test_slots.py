"""Unit tests of the slot formats, boundaries, query_slots and max_results."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.engine import Group, availability
from tests.scheduling.engine.builders import at, found, member, query, times

FREE = Group((member("acc_a"),))


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("slots", ["09:15-09:45", "09:45-10:15", "10:15-10:45"]),
        (
            "overlapping_slots",
            [
                "09:15-09:45",
                "09:30-10:00",
                "09:45-10:15",
                "10:00-10:30",
                "10:15-10:45",
                "10:30-11:00",
            ],
        ),
        ("periods", ["09:10-11:00"]),
    ],
)
def test_each_format_over_one_free_period(fmt, expected):
    q = query(FREE, periods=("09:10-11:00",), minutes=30, response_format=fmt)
    assert times(q) == expected


def test_slots_continue_at_the_first_boundary_after_the_previous_slot():
    q = query(FREE, periods=("09:00-11:00",), minutes=40, response_format="slots")
    assert times(q) == ["09:00-09:40", "09:45-10:25"]


def test_slots_restart_on_a_boundary_after_a_busy_block():
    busy = Group((member("acc_a", "09:00-09:50"),))
    q = query(busy, periods=("08:00-11:00",), minutes=60, response_format="slots")
    assert times(q) == ["08:00-09:00", "10:00-11:00"]


def test_boundaries_count_from_midnight_utc_not_from_the_period_start():
    q = query(FREE, periods=("09:07-12:00",), response_format="slots")
    q = q.__class__(**{**_fields(q), "start_interval": timedelta(minutes=60)})
    assert times(q) == ["10:00-11:00", "11:00-12:00"]


def test_a_day_long_interval_starts_slots_at_midnight_utc():
    q = query(FREE, periods=("00:00-+2 00:00",), minutes=30, response_format="slots")
    q = q.__class__(**{**_fields(q), "start_interval": timedelta(days=1)})
    assert times(q) == ["00:00-00:30", "+1 00:00-+1 00:30"]


def test_hourly_boundaries_fall_on_half_hours_in_kolkata():
    q = query(FREE, periods=("03:30-06:00",), response_format="slots")
    q = q.__class__(**{**_fields(q), "start_interval": timedelta(minutes=60)})
    local = [
        r.start.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M") for r in availability(q)
    ]
    assert local == ["09:30", "10:30"]


def test_query_slots_test_exactly_the_given_starts():
    busy = Group((member("acc_a", "10:00-11:00"),))
    q = query(busy, query_slots=(at("09:07"), at("08:01"), at("11:00")))
    assert times(q) == ["08:01-09:01", "11:00-12:00"]


def test_query_slots_without_query_periods_use_the_slots_themselves():
    q = query(FREE, periods=(), query_slots=(at("09:07"), at("08:00")))
    assert found(q) == [("08:00-09:00", ("acc_a",)), ("09:07-10:07", ("acc_a",))]


def test_query_slots_must_lie_inside_query_periods():
    q = query(FREE, periods=("08:00-09:30",), query_slots=(at("08:00"), at("09:00")))
    assert times(q) == ["08:00-09:00"]


def test_query_slots_are_sorted_and_deduplicated():
    q = query(FREE, query_slots=(at("11:00"), at("09:00"), at("11:00")))
    assert times(q) == ["09:00-10:00", "11:00-12:00"]


def test_query_slots_respect_now_and_minimum_notice():
    q = query(FREE, now=at("08:30"), query_slots=(at("08:15"), at("08:30"), at("09:00")))
    assert times(q) == ["08:30-09:30", "09:00-10:00"]


@pytest.mark.parametrize("fmt", ["periods", "slots", "overlapping_slots"])
def test_max_results_keeps_the_earliest_results(fmt):
    busy = Group((member("acc_a", "09:00-10:00", "11:00-12:00"),))
    q = query(busy, periods=("08:00-13:00",), response_format=fmt)
    everything = times(q)
    assert len(everything) == 3
    assert times(q.__class__(**{**_fields(q), "max_results": 2})) == everything[:2]


def _fields(q) -> dict:
    return {name: getattr(q, name) for name in q.__dataclass_fields__}
