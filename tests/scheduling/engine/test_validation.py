"""Inputs the API should have rejected make the engine raise ValueError, never answer."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from scheduling.engine import (
    Buffer,
    Gap,
    Group,
    Interval,
    Member,
    MemberRequest,
    Rule,
    SequenceQuery,
    Step,
    WeeklyPeriod,
    availability,
    limits,
    sequenced_availability,
)
from tests.scheduling.engine.builders import DAY, at, member, query, span

FREE = member("acc_a")
VALID = query(Group((FREE,)))
NAIVE = datetime(2025, 3, 3, 9)  # noqa: DTZ001 - the point of the test


def test_the_valid_query_used_below_is_accepted():
    assert availability(VALID)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"groups": ()}, "at least one group"),
        ({"groups": (Group(()),)}, "at least one member"),
        ({"groups": (Group((FREE,), required=0),)}, "required must be"),
        ({"groups": (Group((FREE,), required=2),)}, "required must be"),
        ({"groups": (Group((FREE,), required=True),)}, "required must be"),
        ({"groups": (Group((FREE, member("acc_a", "09:00-10:00"))),)}, "same sub twice"),
        ({"groups": (Group((FREE,)),) * (limits.MAX_GROUPS + 1)}, "at most 10 groups"),
        (
            {"groups": tuple(Group((member(f"acc_{i}"),)) for i in range(limits.MAX_MEMBERS + 1))},
            "at most 10 groups",
        ),
        (
            {"groups": (Group(tuple(member(f"acc_{i}") for i in range(101))),)},
            "at most 100 members",
        ),
        ({"query_periods": ()}, "query_periods must not be empty"),
        ({"query_periods": (span("08:00-09:00"),) * 51}, "at most 50"),
        ({"query_periods": (Interval(at("08:00"), at("08:00")),)}, "must start before"),
        ({"query_periods": (Interval(NAIVE, at("18:00")),)}, "aware"),
        (
            {
                "query_periods": (
                    Interval(at("08:00"), at("08:00") + timedelta(days=35, seconds=1)),
                )
            },
            "more than the 35 days",
        ),
        ({"required_duration": timedelta(0)}, "required_duration"),
        ({"required_duration": timedelta(days=1, minutes=1)}, "required_duration"),
        ({"required_duration": timedelta(minutes=1, microseconds=1)}, "whole number of seconds"),
        ({"start_interval": timedelta(minutes=7)}, "start_interval"),
        ({"start_interval": timedelta(minutes=4)}, "start_interval"),
        ({"start_interval": timedelta(minutes=15, seconds=30)}, "start_interval"),
        ({"start_interval": timedelta(days=2)}, "start_interval"),
        ({"buffer": Buffer(before=timedelta(minutes=-5))}, "buffer.before"),
        ({"buffer": Buffer(after=timedelta(minutes=-5))}, "buffer.after"),
        ({"minimum_notice": timedelta(minutes=-1)}, "minimum_notice"),
        ({"max_results": 0}, "max_results"),
        ({"max_results": limits.MAX_RESULTS + 1}, "max_results"),
        ({"response_format": "free_busy"}, "response_format"),
        ({"now": NAIVE}, "now must be an aware"),
        ({"now": None}, "now must be an aware"),
        ({"groups": (Group((MemberRequest("acc_a"),)),)}, "loaded Members, not requests"),
        ({"query_slots": ()}, "query_slots must not be empty"),
        ({"query_slots": (at("09:00"),) * (limits.MAX_QUERY_SLOTS + 1)}, "at most 100"),
        ({"query_slots": (NAIVE,)}, "aware"),
        ({"query_slots": (at("09:00") + timedelta(microseconds=1),)}, "whole second"),
    ],
)
def test_availability_rejects(changes, message):
    with pytest.raises(ValueError, match=message):
        availability(replace(VALID, **changes))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (Member("acc_a", [(NAIVE, NAIVE + timedelta(hours=1))]), "aware"),
        (Member("acc_a", [(at("10:00"), NAIVE)]), "aware"),
        (Member("acc_a", [(at("11:00"), at("10:00"))]), "start before it ends"),
        (Member("acc_a", [], managed=True, rules=(Rule("Mars/Olympus", ()),)), "unknown time zone"),
        (Member("acc_a", [], request_periods=[(at("10:00"), at("09:00"))]), "start before"),
        (Member("acc_a", [], managed=True, available_periods=[(NAIVE, at("09:00"))]), "aware"),
    ],
)
def test_availability_rejects_member_data(bad, message):
    for required in (None, 1):
        with pytest.raises(ValueError, match=message):
            availability(replace(VALID, groups=(Group((bad, member("acc_b")), required),)))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((7, 0, 60), "day must be 0..6"),
        ((-1, 0, 60), "day must be 0..6"),
        ((0, 60, 60), "start_minute < end_minute"),
        ((0, -1, 60), "start_minute < end_minute"),
        ((0, 0, 1441), "start_minute < end_minute"),
    ],
)
def test_weekly_period_rejects(arguments, message):
    with pytest.raises(ValueError, match=message):
        WeeklyPeriod(*arguments)


def test_gap_rejects_a_minimum_above_its_maximum():
    with pytest.raises(ValueError, match="minimum must not exceed"):
        Gap(timedelta(minutes=30), timedelta(minutes=10))


def test_gap_rejects_a_negative_maximum():
    with pytest.raises(ValueError, match="maximum must not be negative"):
        Gap(maximum=timedelta(minutes=-1))


def sequence(*steps, **options) -> SequenceQuery:
    return SequenceQuery(steps=steps, query_periods=(span("09:00-11:00"),), now=DAY, **options)


def step(ordinal, **options) -> Step:
    return Step(
        sequence_id=f"s{ordinal}",
        ordinal=ordinal,
        groups=(Group((FREE,)),),
        required_duration=timedelta(minutes=30),
        **options,
    )


@pytest.mark.parametrize(
    ("query_", "message"),
    [
        (sequence(), "at least one step"),
        (sequence(*(step(i) for i in range(limits.MAX_SEQUENCE_STEPS + 1))), "at most 10 steps"),
        (sequence(step(1), step(1)), "ordinals must be distinct"),
        (
            sequence(
                step(1, gap_after=Gap(minimum=timedelta(minutes=30))),
                step(2, gap_before=Gap(maximum=timedelta(minutes=10))),
            ),
            "minimum gap exceeds the maximum",
        ),
        (sequence(step(1), max_results=0), "max_results"),
        (replace(sequence(step(1)), query_periods=()), "query_periods must not be empty"),
        (sequence(replace(step(1), groups=())), "at least one group"),
        (sequence(replace(step(1), start_interval=timedelta(minutes=7))), "start_interval"),
        (sequence(replace(step(1), required_duration=timedelta(0))), "required_duration"),
        (
            sequence(
                *(
                    replace(step(i), groups=(Group(tuple(member(f"acc_{j}") for j in range(20))),))
                    for i in range(6)
                )
            ),
            "at most 100 members",
        ),
        (replace(sequence(step(1)), now=NAIVE), "now must be an aware"),
        (replace(sequence(step(1)), now=None), "now must be an aware"),
        (
            sequence(replace(step(1), groups=(Group((MemberRequest("acc_a"),)),))),
            "loaded Members, not requests",
        ),
    ],
)
def test_sequenced_availability_rejects(query_, message):
    with pytest.raises(ValueError, match=message):
        sequenced_availability(query_)


def test_allowed_start_intervals_divide_a_day_from_five_minutes():
    allowed = limits.ALLOWED_START_INTERVAL_MINUTES
    assert {5, 10, 15, 20, 30, 60, 90, 120, 1440} <= set(allowed)
    assert not {4, 7, 25, 50, 100, 2880} & set(allowed)
    assert all(1440 % minutes == 0 for minutes in allowed)
