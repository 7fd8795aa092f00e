"""A slow, obviously-right availability reference: it looks at every minute.

Inputs are the engine's own query objects, restricted to whole minutes. A member is free for a
slot [s, e) when every minute of it is bookable for them (inside the query periods, after now +
notice, inside their rules or available periods when managed, inside their request periods when
given) and no minute of [s - before, e + after) is busy. Everything else follows the wording of
docs/availability.md directly, by enumeration.
"""

from datetime import UTC, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _minute(value: datetime) -> int:
    return (value - EPOCH) // MINUTE


def _minutes(value: timedelta) -> int:
    return value // MINUTE


def _inside(x: int, pairs) -> bool:
    return any(_minute(s) <= x < _minute(e) for s, e in pairs)


def _in_rules(x: int, rules) -> bool:
    for rule in rules:
        local = (EPOCH + x * MINUTE).astimezone(ZoneInfo(rule.tzid))
        minute = local.hour * 60 + local.minute
        for period in rule.weekly_periods:
            if period.day == local.weekday() and period.start_minute <= minute < period.end_minute:
                return True
    return False


class _Case:
    """Per-member minute tables over the range any slot or buffer can touch."""

    def __init__(self, groups, periods, earliest, lo, hi):
        self.groups = groups
        self.lo, self.hi = lo, hi
        self.tables = {}
        for member in {id(m): m for g in groups for m in g.members}.values():
            bookable = [self._bookable(member, x, periods, earliest) for x in range(lo, hi)]
            busy = [_inside(x, member.busy) for x in range(lo, hi)]
            self.tables[id(member)] = (_prefix(bookable), _prefix(busy))

    @staticmethod
    def _bookable(member, x, periods, earliest) -> bool:
        if x < earliest or not _inside(x, periods):
            return False
        if member.managed and not (
            _in_rules(x, member.rules) or _inside(x, member.available_periods)
        ):
            return False
        return member.request_periods is None or _inside(x, member.request_periods)

    def free(self, member, s, e, before, after) -> bool:
        bookable, busy = self.tables[id(member)]
        lo = self.lo
        all_bookable = bookable[e - lo] - bookable[s - lo] == e - s
        return all_bookable and busy[e + after - lo] - busy[s - before - lo] == 0

    def valid(self, s, e, before, after) -> bool:
        for group in self.groups:
            count = sum(self.free(m, s, e, before, after) for m in group.members)
            if count < (group.required or len(group.members)):
                return False
        return True

    def participants(self, s, e, before, after) -> tuple[str, ...]:
        out = []
        for group in self.groups:
            for m in group.members:
                if m.sub not in out and self.free(m, s, e, before, after):
                    out.append(m.sub)
        return tuple(out)


def _prefix(flags) -> list[int]:
    out = [0]
    for flag in flags:
        out.append(out[-1] + flag)
    return out


def _case(groups, periods, earliest, duration, before, after, slots=()):
    points = [_minute(t) for p in periods for t in p] + list(slots)
    lo = min(points) - before - 2
    hi = max(points) + duration + after + 2
    return _Case(groups, periods, earliest, lo, hi), lo + before + 1, hi - after - 1


def reference_availability(query) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start minute, end minute, participants) for every result, per the documented rules."""
    d = _minutes(query.required_duration)
    before, after = _minutes(query.buffer.before), _minutes(query.buffer.after)
    interval = _minutes(query.start_interval)
    earliest = _minute(query.now + query.minimum_notice)
    slots = sorted({_minute(t) for t in query.query_slots or ()})
    periods = query.query_periods
    if query.query_slots is not None and not periods:
        periods = [(EPOCH + t * MINUTE, EPOCH + (t + d) * MINUTE) for t in slots]
    case, lo, hi = _case(query.groups, periods, earliest, d, before, after, slots)

    def valid(s, e):
        return lo <= s and e <= hi and case.valid(s, e, before, after)

    if query.query_slots is not None:
        found = [(t, t + d) for t in slots if valid(t, t + d)]
    elif query.response_format == "periods":
        found = []
        for s in range(lo, hi):
            e = s
            while e < hi and valid(s, e + 1):
                e += 1
            if e - s >= d and not valid(s - 1, e):
                found.append((s, e))
    else:
        found, cursor = [], None
        for t in range(lo, hi):
            if t % interval or not valid(t, t + d):
                continue
            if query.response_format == "overlapping_slots" or cursor is None or t >= cursor:
                found.append((t, t + d))
                cursor = t + d
    found = found[: query.max_results]
    return [(s, e, case.participants(s, e, before, after)) for s, e in found]


def reference_sequences(query) -> list[tuple[tuple[str, int, int, tuple[str, ...]], ...]]:
    """Brute force over every combination of candidate slots, one per step."""
    steps = sorted(query.steps, key=lambda s: s.ordinal)
    earliest = _minute(query.now + query.minimum_notice)
    candidates = []
    for step in steps:
        d = _minutes(step.required_duration)
        before, after = _minutes(step.buffer.before), _minutes(step.buffer.after)
        periods = list(query.query_periods)
        case, lo, hi = _case(step.groups, periods, earliest, d, before, after)
        inside = step.query_periods
        options = []
        for t in range(lo, hi - d + 1):
            if t % _minutes(step.start_interval):
                continue
            if inside is not None and not all(_inside(x, inside) for x in range(t, t + d)):
                continue
            if case.valid(t, t + d, before, after):
                options.append((t, t + d, case.participants(t, t + d, before, after)))
        candidates.append(options)
    out = []
    for first in candidates[0]:
        best = None
        for rest in product(*candidates[1:]):
            chain = (first, *rest)
            if all(_gap_ok(a, b, chain[i], chain[i + 1]) for i, (a, b) in _pairs(steps)):
                key = tuple(c[0] for c in rest)
                if best is None or key < best[0]:
                    best = (key, chain)
        if best is not None:
            out.append(tuple((s.sequence_id, *c) for s, c in zip(steps, best[1], strict=True)))
    return out[: query.max_results]


def _pairs(steps):
    return [(i, (steps[i], steps[i + 1])) for i in range(len(steps) - 1)]


def _gap_ok(earlier, later, a, b) -> bool:
    gap = b[0] - a[1]
    gaps = (earlier.gap_after, later.gap_before)
    minima = [_minutes(g.minimum) for g in gaps if g.minimum is not None]
    maxima = [_minutes(g.maximum) for g in gaps if g.maximum is not None]
    return gap >= max([0, *minima]) and all(gap <= m for m in maxima)
