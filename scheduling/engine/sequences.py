"""Sequenced availability: one slot per step, steps in ordinal order with gaps between them."""

from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise

from scheduling.engine import limits, validation
from scheduling.engine.availability import bookable, earliest
from scheduling.engine.intervals import intersect, spans, to_datetime
from scheduling.engine.model import Member, SequenceItem, SequenceQuery, Step
from scheduling.engine.slots import slot_starts
from scheduling.engine.windows import Windows, compute_windows


@dataclass(frozen=True, slots=True)
class _Placed:
    """A step's candidate slot starts (chronological) and how to name its participants."""

    step: Step[Member]
    duration: int
    starts: list[int]
    windows: Windows


def sequenced_availability(query: SequenceQuery[Member]) -> list[tuple[SequenceItem, ...]]:
    """Sequences of slots, one per step in ordinal order, in order of their first slot.

    For every valid first-step slot (chronologically) the answer holds the sequence whose later
    steps start as early as possible, so at most one sequence per first slot. Raises ValueError
    on inputs the API should have rejected.
    """
    steps = _check(query)
    periods = spans(query.query_periods, "query period")
    first = earliest(query.now, query.minimum_notice)
    placed = [_place(step, periods, first) for step in steps]
    gaps = [_gap_bounds(a, b) for a, b in pairwise(steps)]
    choices = _choices(placed, gaps)
    out: list[tuple[SequenceItem, ...]] = []
    for i in range(len(placed[0].starts)):
        indexes = [i]
        for chosen in choices:
            indexes.append(chosen[indexes[-1]])
            if indexes[-1] < 0:
                break
        else:
            out.append(tuple(_item(p, j) for p, j in zip(placed, indexes, strict=True)))
            if len(out) == query.max_results:
                break
    return out


def _choices(placed: list[_Placed], gaps: list[tuple[int, int | None]]) -> list[list[int]]:
    """For each step but the last and each of its slots, the index of the next step's slot that
    starts a complete sequence as early as possible, or -1 when no completion exists.

    Worked backwards from the last step, keeping for each step the first slot at or after any
    index that completes, so the earliest completing slot after a given time is one bisect away
    and skipping dead ends (backtracking) never costs more than that lookup.
    """
    last = placed[-1].starts
    completes_from = list(range(len(last) + 1))  # every slot of the last step completes
    choices: list[list[int]] = []
    for k in range(len(placed) - 2, -1, -1):
        following = placed[k + 1].starts
        low, high = gaps[k]
        chosen = []
        for start in placed[k].starts:
            end = start + placed[k].duration
            j = completes_from[bisect_left(following, end + low)]
            ok = j < len(following) and (high is None or following[j] <= end + high)
            chosen.append(j if ok else -1)
        completes_from = [len(chosen)] * (len(chosen) + 1)
        for i in range(len(chosen) - 1, -1, -1):
            completes_from[i] = i if chosen[i] >= 0 else completes_from[i + 1]
        choices.append(chosen)
    choices.reverse()
    return choices


def _place(step: Step[Member], periods: list, first: int) -> _Placed:
    duration = validation.duration(step.required_duration, "step required_duration")
    interval = validation.start_interval(step.start_interval)
    before, after = validation.buffer(step.buffer)
    if step.query_periods is not None:
        periods = intersect(periods, spans(step.query_periods, "step query period"))
    periods = bookable(periods, first, duration)
    windows = compute_windows(step.groups, periods, duration=duration, before=before, after=after)
    starts = slot_starts(windows.spans, duration=duration, interval=interval, overlapping=True)
    return _Placed(step, duration, list(starts), windows)


def _item(placed: _Placed, index: int) -> SequenceItem:
    start = placed.starts[index]
    end = start + placed.duration
    return SequenceItem(
        placed.step.sequence_id,
        to_datetime(start),
        to_datetime(end),
        placed.windows.participants(start, end),
    )


def _gap_bounds(earlier: Step[Member], later: Step[Member]) -> tuple[int, int | None]:
    """Seconds allowed between the end of `earlier` and the start of `later`: (min, max|None)."""
    minima = [g.minimum for g in (earlier.gap_after, later.gap_before) if g.minimum is not None]
    maxima = [g.maximum for g in (earlier.gap_after, later.gap_before) if g.maximum is not None]
    low = max([0, *(validation.whole_seconds(m, "gap minimum") for m in minima)])
    high = min((validation.non_negative(m, "gap maximum") for m in maxima), default=None)
    if high is not None and high < low:
        raise ValueError(
            f"steps {earlier.ordinal} and {later.ordinal}: the minimum gap exceeds the maximum"
        )
    return low, high


def _check(query: SequenceQuery[Member]) -> list[Step[Member]]:
    if not query.steps:
        raise ValueError("a sequence needs at least one step")
    if len(query.steps) > limits.MAX_SEQUENCE_STEPS:
        raise ValueError(f"at most {limits.MAX_SEQUENCE_STEPS} steps, got {len(query.steps)}")
    ordinals = [step.ordinal for step in query.steps]
    if len(set(ordinals)) != len(ordinals):
        raise ValueError(f"step ordinals must be distinct, got {ordinals}")
    total = sum(validation.check_groups(s.groups, f"step {s.ordinal}") for s in query.steps)
    validation.check_members(total)
    validation.max_results(query.max_results)
    if not query.query_periods:
        raise ValueError("query_periods must not be empty")
    periods = list(query.query_periods)
    for step in query.steps:
        validation.check_periods(step.query_periods or (), f"step {step.ordinal} query_periods")
    validation.check_periods(periods, "query_periods")
    for p in periods:
        validation.check_aware(p.start, "query period start")
        validation.check_aware(p.end, "query period end")
    validation.check_span(min(p.start for p in periods), max(p.end for p in periods))
    return sorted(query.steps, key=lambda step: step.ordinal)
