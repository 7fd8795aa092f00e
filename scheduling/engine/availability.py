"""Availability queries: periods, slots and overlapping slots for groups of members."""

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice

from scheduling.engine import limits, validation
from scheduling.engine.intervals import Span, ceil_seconds, merge, spans, to_datetime, to_seconds
from scheduling.engine.model import RESPONSE_FORMATS, AvailabilityQuery, Available, Member
from scheduling.engine.slots import slot_starts
from scheduling.engine.windows import Windows, compute_windows


def availability(query: AvailabilityQuery[Member]) -> list[Available]:
    """Answer an availability query: periods or slots in chronological order, each with the subs
    of every member free for all of it.

    See docs/availability.md for the semantics. Raises ValueError on inputs the API should have
    rejected (limits, naive datetimes, impossible groups).
    """
    duration, interval, before, after, slots = _check(query)
    if slots is not None and not query.query_periods:
        periods = slots_as_periods(slots, duration)
    else:
        periods = spans(query.query_periods, "query period")
    periods = bookable(periods, earliest(query.now, query.minimum_notice), duration)
    windows = compute_windows(query.groups, periods, duration=duration, before=before, after=after)
    found: Iterable[Span]
    if slots is not None:
        found = ((t, t + duration) for t in slots if windows.fits(t, t + duration))
    elif query.response_format == "periods":
        found = windows.spans
    else:
        overlapping = query.response_format == "overlapping_slots"
        starts = slot_starts(
            windows.spans, duration=duration, interval=interval, overlapping=overlapping
        )
        found = ((t, t + duration) for t in starts)
    return list(_present(windows, islice(found, query.max_results)))


def _present(windows: Windows, found: Iterable[Span]) -> Iterator[Available]:
    for start, end in found:
        yield Available(to_datetime(start), to_datetime(end), windows.participants(start, end))


def earliest(now: datetime | None, minimum_notice) -> int:
    """The first second a slot or period may start at: now + minimum notice, rounded up."""
    validation.check_aware(now, "now")
    validation.non_negative(minimum_notice, "minimum_notice")
    return ceil_seconds(now + minimum_notice, "now")


def bookable(periods: list[Span], first: int, duration: int) -> list[Span]:
    """Periods cut to start no earlier than `first`, dropping what is shorter than duration."""
    out = []
    for s, e in periods:
        s = max(s, first)
        if e - s >= duration:
            out.append((s, e))
    return out


def slots_as_periods(slots: list[int], duration: int) -> list[Span]:
    return merge((t, t + duration) for t in slots)


def _check(query: AvailabilityQuery[Member]) -> tuple[int, int, int, int, list[int] | None]:
    """Validate the query; return duration, interval, buffers (seconds) and the query slots."""
    validation.check_members(validation.check_groups(query.groups))
    validation.check_periods(query.query_periods, "query_periods")
    duration = validation.duration(query.required_duration, "required_duration")
    interval = validation.start_interval(query.start_interval)
    before, after = validation.buffer(query.buffer)
    validation.max_results(query.max_results)
    if query.response_format not in RESPONSE_FORMATS:
        raise ValueError(f"response_format must be one of {RESPONSE_FORMATS}")
    slots = None
    if query.query_slots is not None:
        slots = _query_slots(query.query_slots)
    elif not query.query_periods:
        raise ValueError("query_periods must not be empty")
    bounds = [p.start for p in query.query_periods] + [p.end for p in query.query_periods]
    bounds += [t for t in query.query_slots or ()]
    bounds += [t + query.required_duration for t in query.query_slots or ()]
    for value in bounds:
        validation.check_aware(value, "query period and slot times")
    validation.check_span(min(bounds), max(bounds))
    return duration, interval, before, after, slots


def _query_slots(values: tuple[datetime, ...]) -> list[int]:
    if not values:
        raise ValueError("query_slots must not be empty when given")
    if len(values) > limits.MAX_QUERY_SLOTS:
        raise ValueError(f"query_slots: at most {limits.MAX_QUERY_SLOTS}, got {len(values)}")
    out = set()
    for value in values:
        validation.check_aware(value, "query slot")
        if value.microsecond:
            raise ValueError(f"query slot must be a whole second, got {value}")
        out.add(to_seconds(value, "query slot"))
    return sorted(out)
