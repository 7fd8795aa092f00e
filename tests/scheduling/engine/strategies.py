"""Hypothesis strategies for random calendars on whole minutes, a few hours after BASE."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import strategies as st

from scheduling.engine import (
    AvailabilityQuery,
    Buffer,
    Gap,
    Group,
    Interval,
    Member,
    Rule,
    SequenceQuery,
    Step,
    WeeklyPeriod,
)

BASE = datetime(2025, 3, 3, tzinfo=UTC)  # a Monday; no DST change within days of it
SPAN = 240  # minutes of query span after BASE
INTERVALS = (5, 6, 10, 15, 20, 30, 45, 60)
FORMATS = ("periods", "slots", "overlapping_slots")
# Rule zones with the local (weekday, minute) at BASE, so that rules land near the query span.
ZONES = {"Etc/UTC": (0, 0), "Asia/Kolkata": (0, 330), "America/New_York": (6, 1140)}


def at(minute: int) -> datetime:
    return BASE + timedelta(minutes=minute)


def minutes(value: int) -> timedelta:
    return timedelta(minutes=value)


def sometimes(draw, percent: int) -> bool:
    return draw(st.integers(0, 99)) < percent


@st.composite
def spans(draw, lo=-40, hi=SPAN + 40, longest=120, shortest=1):
    start = draw(st.integers(lo, hi - 1))
    return (at(start), at(min(hi, start + draw(st.integers(shortest, longest)))))


@st.composite
def rules(draw):
    tzid = draw(st.sampled_from(sorted(ZONES)))
    day, local = ZONES[tzid]
    periods = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(max(0, local - 30), min(1439, local + SPAN)))
        end = min(1440, start + draw(st.integers(1, 300)))
        periods.append(WeeklyPeriod(draw(st.sampled_from((day, day, (day + 1) % 7))), start, end))
    return Rule(tzid, tuple(periods))


@st.composite
def members(draw, sub, *, managed=25, requested=20, busy=3):
    """A member; `managed` and `requested` are the percentages of members that have those."""
    is_managed = sometimes(draw, managed)
    return Member(
        sub=sub,
        busy=draw(st.lists(spans(longest=45), max_size=busy)),
        managed=is_managed,
        rules=tuple(draw(st.lists(rules(), min_size=1, max_size=2))) if is_managed else (),
        available_periods=draw(st.lists(spans(), max_size=2)) if is_managed else (),
        request_periods=(
            draw(st.lists(spans(longest=240, shortest=30), min_size=1, max_size=2))
            if sometimes(draw, requested)
            else None
        ),
    )


@st.composite
def groups(draw, *, pool=(1, 4), most=3, all_percent=40, n_of_m_first=False, **member_options):
    """1..most groups drawn from a pool of members (a member may sit in several groups).

    n_of_m_first: the first group holds the whole pool (at least two members) and requires
    fewer than all of them, so that N-of-M sweeps and overlapping periods are always exercised.
    """
    size = draw(st.integers(max(pool[0], 2 if n_of_m_first else 1), pool[1]))
    people = [draw(members(f"m{i}", **member_options)) for i in range(size)]
    out = []
    if n_of_m_first:
        out.append(Group(tuple(people), draw(st.integers(1, size - 1))))
    for _ in range(draw(st.integers(0 if n_of_m_first else 1, most - len(out)))):
        chosen = draw(st.lists(st.sampled_from(people), min_size=1, max_size=4, unique_by=id))
        required = None if sometimes(draw, all_percent) else draw(st.integers(1, len(chosen)))
        out.append(Group(tuple(chosen), required))
    return tuple(out)


@st.composite
def buffers(draw, longest=20):
    if sometimes(draw, 40):
        return Buffer()
    return Buffer(minutes(draw(st.integers(0, longest))), minutes(draw(st.integers(0, longest))))


@st.composite
def queries(draw, *, with_slots=True, **group_options):
    slots = None
    if with_slots and sometimes(draw, 30):
        slots = draw(st.lists(st.integers(0, SPAN).map(at), min_size=1, max_size=5))
    periods = draw(
        st.lists(
            spans(lo=0, hi=SPAN, longest=SPAN, shortest=1 if sometimes(draw, 20) else 40),
            min_size=0 if slots else 1,
            max_size=3,
        )
    )
    return AvailabilityQuery(
        groups=draw(groups(**group_options)),
        query_periods=tuple(Interval(*p) for p in periods),
        required_duration=minutes(draw(st.integers(5, 60))),
        now=at(draw(st.integers(-60, 60))),
        buffer=draw(buffers()),
        start_interval=minutes(draw(st.sampled_from(INTERVALS))),
        minimum_notice=minutes(draw(st.sampled_from((0, 0, 15, 45)))),
        max_results=draw(st.integers(1, 40)),
        response_format=draw(st.sampled_from(FORMATS)),
        query_slots=tuple(slots) if slots is not None else None,
    )


@st.composite
def gaps(draw):
    minimum = draw(st.none() | st.integers(-10, 30))
    floor = max(0, minimum or 0)
    maximum = draw(st.none() | st.integers(floor, floor + 30))
    return Gap(
        None if minimum is None else minutes(minimum),
        None if maximum is None else minutes(maximum),
    )


@st.composite
def sequence_queries(draw):
    people = [
        draw(members(f"m{i}", managed=15, requested=10, busy=4))
        for i in range(draw(st.integers(1, 3)))
    ]
    ordinals = draw(st.permutations(range(1, 4)))
    steps = []
    for k in range(draw(st.sampled_from((1, 2, 3, 3)))):
        chosen = draw(st.lists(st.sampled_from(people), min_size=1, max_size=2, unique_by=id))
        step_periods = None
        if sometimes(draw, 30):
            found = draw(st.lists(spans(0, SPAN, longest=SPAN), min_size=1, max_size=2))
            step_periods = tuple(Interval(*p) for p in found)
        steps.append(
            Step(
                sequence_id=f"s{k}",
                ordinal=ordinals[k],
                groups=(Group(tuple(chosen), draw(st.none() | st.just(1))),),
                required_duration=minutes(draw(st.integers(5, 40))),
                start_interval=minutes(draw(st.sampled_from((10, 15, 20, 30)))),
                buffer=Buffer(minutes(draw(st.integers(0, 15))), minutes(draw(st.integers(0, 15)))),
                gap_before=draw(gaps()),
                gap_after=draw(gaps()),
                query_periods=step_periods,
            )
        )
    start, end = draw(st.integers(0, 60)), draw(st.integers(150, SPAN))
    return SequenceQuery(
        steps=tuple(steps),
        query_periods=(Interval(at(start), at(end)),),
        now=at(draw(st.integers(-30, 30))),
        minimum_notice=minutes(draw(st.sampled_from((0, 20)))),
        max_results=draw(st.integers(1, 10)),
    )


def consistent_gaps(query: SequenceQuery) -> bool:
    """Whether no two consecutive steps demand a minimum gap above their maximum."""
    steps = sorted(query.steps, key=lambda s: s.ordinal)
    for a, b in pairwise(steps):
        minima = [g.minimum for g in (a.gap_after, b.gap_before) if g.minimum is not None]
        maxima = [g.maximum for g in (a.gap_after, b.gap_before) if g.maximum is not None]
        if maxima and min(maxima) < max([timedelta(0), *minima]):
            return False
    return True


@st.composite
def tight_sequence_queries(draw):
    """Three steps over the whole span, each with its own busy member, where the gap before the
    last step is short: the earliest second step often leaves no room and the search must move
    on to a later one."""
    steps = []
    for k in range(3):
        busy = draw(st.lists(spans(0, SPAN, longest=30, shortest=5), max_size=4))
        last_gap = Gap(maximum=minutes(draw(st.integers(0, 20))))
        steps.append(
            Step(
                sequence_id=f"s{k}",
                ordinal=k + 1,
                groups=(Group((Member(f"m{k}", busy),)),),
                required_duration=minutes(draw(st.integers(10, 30))),
                start_interval=minutes(draw(st.sampled_from((10, 15, 20, 30)))),
                gap_after=last_gap if k == 1 else draw(gaps()),
            )
        )
    return SequenceQuery(
        steps=tuple(steps),
        query_periods=(Interval(at(0), at(SPAN)),),
        now=at(0),
        max_results=draw(st.integers(1, 10)),
    )
