"""Expanding weekly availability rules into UTC spans, in the rule's own time zone.

Each weekly period is turned into local wall times for every local date that touches the span
and each wall time is converted on its own (never local datetime + timedelta across a change):
- a wall time inside a spring-forward gap never happens; it maps to the instant the clocks jump,
  so a period lying wholly inside the gap is empty;
- a wall time inside an autumn overlap happens twice; a start takes the first occurrence and an
  end the second, so the span covers every moment whose wall clock lies inside the period.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from scheduling.engine.intervals import Span, merge
from scheduling.engine.model import Rule
from scheduling.engine.zones import zone

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ONE_DAY = timedelta(days=1)


def expand_rules(rules: tuple[Rule, ...], lo: int, hi: int) -> list[Span]:
    """The union of the rules' windows that overlap [lo, hi), merged."""
    out: list[Span] = []
    for rule in rules:
        out.extend(_expand_rule(rule, lo, hi))
    return merge(out)


@lru_cache(maxsize=512)
def _expand_rule(rule: Rule, lo: int, hi: int) -> tuple[Span, ...]:
    tz = zone(rule.tzid)
    by_day: dict[int, list[tuple[int, int]]] = {}
    for period in rule.weekly_periods:
        by_day.setdefault(period.day, []).append((period.start_minute, period.end_minute))
    # One spare local date in front: a period of the previous local date may reach past lo
    # when the zone's offset changes around midnight.
    day = datetime.fromtimestamp(lo, tz).date() - _ONE_DAY
    last = datetime.fromtimestamp(hi, tz).date()
    out = []
    while day <= last:
        periods = by_day.get(day.weekday())
        if periods:
            offset = _steady_offset(tz, day)
            midnight = (day.toordinal() - _EPOCH_ORDINAL) * 86400
            for start_minute, end_minute in periods:
                start = midnight + start_minute * 60
                end = midnight + end_minute * 60
                if offset is None:
                    start = _wall_to_epoch(tz, start, end=False)
                    end = _wall_to_epoch(tz, end, end=True)
                else:
                    start, end = start - offset, end - offset
                if start < end and end > lo and start < hi:
                    out.append((start, end))
        day += _ONE_DAY  # a date, not a local datetime: no DST arithmetic involved
    return tuple(merge(out))


def _steady_offset(tz: ZoneInfo, day: date) -> int | None:
    """The UTC offset in seconds of a local date with no clock change in it, else None."""
    start = datetime.fromordinal(day.toordinal())  # naive wall clock, given a zone below
    end = datetime.fromordinal(day.toordinal() + 1)
    offsets = {
        int(moment.replace(tzinfo=tz, fold=fold).utcoffset().total_seconds())
        for moment in (start, end)
        for fold in (0, 1)
    }
    return offsets.pop() if len(offsets) == 1 else None


def _offset_at(tz: ZoneInfo, instant: int) -> int:
    return int(datetime.fromtimestamp(instant, tz).utcoffset().total_seconds())


def _wall_to_epoch(tz: ZoneInfo, wall: int, *, end: bool) -> int:
    """Epoch seconds of a local wall time (given as seconds since the local 1970-01-01)."""
    # A naive wall clock: the arithmetic below happens before any zone is attached.
    days, seconds = divmod(wall, 86400)
    naive = datetime.fromordinal(_EPOCH_ORDINAL + days) + timedelta(seconds=seconds)
    first = int(naive.replace(tzinfo=tz, fold=0).utcoffset().total_seconds())
    second = int(naive.replace(tzinfo=tz, fold=1).utcoffset().total_seconds())
    if first == second:
        return wall - first
    if first > second:
        # Autumn overlap (the offset drops): the wall time happens twice, first with `first`.
        return wall - second if end else wall - first
    # Spring gap (the offset rises): find the instant the clocks jump. Before it the offset is
    # `first`, from it on `second`; the wall time falls between the two readings.
    lo, hi = wall - second, wall - first
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset_at(tz, mid) == second:
            hi = mid
        else:
            lo = mid
    return hi
