"""Timekit's availability constraints (reference 1.5): where a resource may be booked at all.

Plain data in and out, no Django: `constraint_parse` turns one wire object
(`{"allow_hours": {"start": 9, "end": 17}}`) into a Constraint or raises ConstraintError naming
the field; `allowed_spans` answers, for one resource's zone and a UTC window, the UTC intervals
its constraints leave open. Busy time is not looked at here: the core engine subtracts it.

Semantics (Timekit documents the kinds, not how they combine; chosen and documented in
docs/v2.md):
- No constraint: everything is allowed ("available until blocked").
- Allow-type constraints implicitly block everything else. They come in three families, each the
  union of its members, and the families intersect: *days* (`allow_day`, `allow_weekdays`,
  `allow_day_and_time`), *hours* (`allow_hours`) and *periods* (`allow_period`). So
  `allow_weekdays` + `allow_hours 9..17` is weekdays from 9 to 17, and two `allow_day`s are both
  days.
- Block-type constraints (`block_day_and_time`, `block_hours`, `block_day`, `block_period`,
  `block_weekends`) are subtracted from what the allows leave.
- Several sets (the resource's, the project's, the request's) must all allow a time: each set is
  evaluated on its own and the results intersect.

Time zones and DST: days and hours are wall-clock times in the resource's IANA zone, expanded by
the core engine's weekly-rule expansion (scheduling/engine/rules.py), which converts every local
wall time on its own and never adds a timedelta to a local datetime:
- a wall time inside a spring-forward gap maps to the instant the clocks jump, so `allow_hours
  {1, 4}` on the night Paris springs forward is two hours long and a window wholly inside the gap
  is empty;
- a wall time inside an autumn overlap happens twice: a start takes the first occurrence and an
  end the second, so `allow_hours {2, 3}` on the night Paris falls back covers both hours.
Periods given as dates run from local midnight of `start` to local midnight of `end` (exclusive),
converted the same way; a datetime with an offset is an instant, one without is a local wall time.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from scheduling.engine.intervals import Span, intersect, merge, to_datetime, to_seconds
from scheduling.engine.model import WEEKDAYS, Interval, Rule, WeeklyPeriod

# A private helper of the core's rule expansion, reused so that local midnights of a period and
# weekly wall times agree on gaps and overlaps (one conversion rule, not two).
from scheduling.engine.rules import _wall_to_epoch, expand_rules
from scheduling.engine.zones import zone

DAYS = "days"
HOURS = "hours"
PERIODS = "periods"

# name -> (family, fields it takes)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "allow_day_and_time": (DAYS, ("day", "start", "end")),
    "block_day_and_time": (DAYS, ("day", "start", "end")),
    "allow_hours": (HOURS, ("start", "end")),
    "block_hours": (HOURS, ("start", "end")),
    "allow_day": (DAYS, ("day",)),
    "block_day": (DAYS, ("day",)),
    "allow_period": (PERIODS, ("start", "end")),
    "block_period": (PERIODS, ("start", "end")),
    "allow_weekdays": (DAYS, ()),
    "block_weekends": (DAYS, ()),
}

# The wire forms, as patterns that JSON Schema (ECMA-262) reads as Python does: the schema of
# /v2 states exactly what is accepted. A day name in any letter case; a period bound is a date,
# or a date and time (with seconds and fraction optional) with or without an offset.
DAY_PATTERN = "^(" + "|".join("".join(f"[{c.upper()}{c}]" for c in day) for day in WEEKDAYS) + ")$"
PERIOD_BOUND_PATTERN = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    "(T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
)

_LOCAL_EPOCH = dt.date(1970, 1, 1)

PeriodBound = dt.date | dt.datetime


class ConstraintError(ValueError):
    """A constraint that cannot be used: `field` is the path inside the constraint object
    (`"allow_hours.start"`, or the constraint's name alone)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True, slots=True)
class Constraint:
    """One constraint: `allow` or block, its family, and either weekly wall-clock windows
    (days, hours) or a period."""

    name: str
    allow: bool
    family: str
    weekly: tuple[WeeklyPeriod, ...] = ()
    period: tuple[PeriodBound, PeriodBound] | None = None


def constraint_parse(raw: object) -> Constraint:
    """The Constraint of one wire object; ConstraintError names what is wrong."""
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise ConstraintError("", f"A constraint is an object with one key of {_names()}.")
    name, fields = next(iter(raw.items()))
    if name not in KINDS:
        raise ConstraintError("", f"Unknown constraint {str(name)[:40]!r}: one of {_names()}.")
    if fields is None:
        fields = {}
    if not isinstance(fields, Mapping):
        raise ConstraintError(name, "A constraint's value is an object.")
    family, takes = KINDS[name]
    for field in fields:
        if field not in takes:
            raise ConstraintError(f"{name}.{field}", "Unknown field.")
    allow = name.startswith("allow_")
    if name in ("allow_weekdays", "block_weekends"):
        days = range(5) if allow else (5, 6)
        return Constraint(name, allow, family, tuple(WeeklyPeriod(d, 0, 1440) for d in days))
    if family == PERIODS:
        return Constraint(name, allow, family, period=_period(name, fields))
    if "start" in takes:
        start, end = _hours(name, fields)
    else:
        start, end = 0, 1440
    days = (_day(name, fields),) if "day" in takes else range(7)
    return Constraint(name, allow, family, tuple(WeeklyPeriod(d, start, end) for d in days))


def constraints_parse(raws: Iterable[object]) -> tuple[Constraint, ...]:
    """Parse a list; ConstraintError's field is prefixed with the index (`"2.allow_day.day"`)."""
    out = []
    for index, raw in enumerate(raws):
        try:
            out.append(constraint_parse(raw))
        except ConstraintError as exc:
            raise ConstraintError(f"{index}.{exc.field}".rstrip("."), exc.message) from None
    return tuple(out)


def allowed_spans(
    constraint_sets: Sequence[Sequence[Constraint]],
    *,
    tzid: str,
    start: dt.datetime,
    end: dt.datetime,
) -> list[Interval]:
    """The UTC intervals inside [start, end) that every constraint set allows, evaluated in
    `tzid` (the resource's zone). Sorted, disjoint; whole seconds."""
    lo, hi = to_seconds(start, "start"), to_seconds(end, "end")
    allowed: list[Span] = [(lo, hi)] if lo < hi else []
    for constraints in constraint_sets:
        if not allowed:
            break
        allowed = intersect(allowed, _set_spans(constraints, tzid, lo, hi))
    return [Interval(to_datetime(s), to_datetime(e)) for s, e in allowed]


def _set_spans(constraints: Sequence[Constraint], tzid: str, lo: int, hi: int) -> list[Span]:
    allowed: list[Span] = [(lo, hi)]
    families: dict[str, list[Span]] = {}
    blocked: list[Span] = []
    for constraint in constraints:
        spans = _spans(constraint, tzid, lo, hi)
        if constraint.allow:
            families.setdefault(constraint.family, []).extend(spans)
        else:
            blocked.extend(spans)
    for spans in families.values():
        allowed = intersect(allowed, merge(spans))
    return intersect(allowed, _complement(merge(blocked), lo, hi))


def _spans(constraint: Constraint, tzid: str, lo: int, hi: int) -> list[Span]:
    if constraint.period is None:
        return expand_rules((Rule(tzid, constraint.weekly),), lo, hi)
    start, end = (_instant(bound, tzid, end=i == 1) for i, bound in enumerate(constraint.period))
    return [(start, end)] if start < end else []


def _complement(spans: list[Span], lo: int, hi: int) -> list[Span]:
    """[lo, hi) minus the sorted, disjoint spans."""
    out, cursor = [], lo
    for s, e in spans:
        if s > cursor:
            out.append((cursor, min(s, hi)))
        cursor = max(cursor, e)
    if cursor < hi:
        out.append((cursor, hi))
    return [(s, e) for s, e in out if s < e]


def _instant(bound: PeriodBound, tzid: str, *, end: bool) -> int:
    if isinstance(bound, dt.datetime) and bound.utcoffset() is not None:
        return to_seconds(bound, "period")
    if isinstance(bound, dt.datetime):
        midnight = bound.date()
        seconds = bound.hour * 3600 + bound.minute * 60 + bound.second
    else:
        midnight, seconds = bound, 0
    wall = (midnight - _LOCAL_EPOCH).days * 86400 + seconds
    return _wall_to_epoch(zone(tzid), wall, end=end)


def _names() -> str:
    return ", ".join(sorted(KINDS))


def _day(name: str, fields: Mapping) -> int:
    value = fields.get("day")
    if not isinstance(value, str) or not re.fullmatch(DAY_PATTERN, value):
        raise ConstraintError(f"{name}.day", "A day name, Monday to Sunday.")
    return WEEKDAYS.index(value.lower())


def _hours(name: str, fields: Mapping) -> tuple[int, int]:
    """Start and end hours (0..24, start < end) as minutes after local midnight."""
    out = []
    for field in ("start", "end"):
        value = fields.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 24:
            raise ConstraintError(f"{name}.{field}", "An hour, a whole number from 0 to 24.")
        out.append(value * 60)
    if out[0] >= out[1]:
        raise ConstraintError(f"{name}.end", "The end hour must come after the start hour.")
    return out[0], out[1]


def _period(name: str, fields: Mapping) -> tuple[PeriodBound, PeriodBound]:
    bounds = []
    for field in ("start", "end"):
        value = fields.get(field)
        bound = _period_bound(value) if isinstance(value, str) else None
        if bound is None:
            raise ConstraintError(
                f"{name}.{field}", "A date (YYYY-MM-DD) or an ISO 8601 date and time."
            )
        bounds.append(bound)
    start, end = bounds
    kinds = {_bound_kind(start), _bound_kind(end)}
    if len(kinds) != 1:
        raise ConstraintError(
            f"{name}.end", "Start and end are both dates, or both times with (or without) offsets."
        )
    if not start < end:
        raise ConstraintError(f"{name}.end", "The end must come after the start.")
    return start, end


def _period_bound(text: str) -> PeriodBound | None:
    if not re.fullmatch(PERIOD_BOUND_PATTERN, text):
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _bound_kind(bound: PeriodBound) -> str:
    if not isinstance(bound, dt.datetime):
        return "date"
    return "aware" if bound.utcoffset() is not None else "naive"
