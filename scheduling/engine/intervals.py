"""Integer interval arithmetic: epoch seconds, half-open [start, end), lists sorted and disjoint.

Periods are converted to ints once on the way in and results back once on the way out. Busy
blocks, by far the most numerous input, are compared and sorted as datetimes at C speed and only
the gaps between them are converted (see busy_gaps).
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import compress, islice
from operator import itemgetter, lt

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Span = tuple[int, int]


def to_seconds(value: datetime, what: str) -> int:
    """Epoch seconds of an aware datetime, rounded down."""
    try:
        delta = value - EPOCH
    except TypeError:
        raise ValueError(f"{what} must be an aware datetime, got {value!r}") from None
    return delta.days * 86400 + delta.seconds


def ceil_seconds(value: datetime, what: str) -> int:
    """Epoch seconds of an aware datetime, rounded up."""
    try:
        delta = value - EPOCH
    except TypeError:
        raise ValueError(f"{what} must be an aware datetime, got {value!r}") from None
    return delta.days * 86400 + delta.seconds + (delta.microseconds > 0)


def duration_seconds(value: timedelta, what: str) -> int:
    """Whole seconds of a duration; the engine has no use for fractions of a second."""
    if value % timedelta(seconds=1):
        raise ValueError(f"{what} must be a whole number of seconds, got {value}")
    return value.days * 86400 + value.seconds


def to_datetime(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def spans(pairs: Iterable[tuple[datetime, datetime]], what: str) -> list[Span]:
    """Convert (start, end) datetime pairs to merged int spans; start must precede end.

    Starts round up and ends round down, so a window never grows by a fraction of a second.
    """
    out = []
    for start, end in pairs:
        s, e = ceil_seconds(start, what), to_seconds(end, what)
        if not start < end:
            raise ValueError(f"{what} must start before it ends, got {start} .. {end}")
        if s < e:
            out.append((s, e))
    return merge(out)


def busy_gaps(
    busy: Iterable[tuple[datetime, datetime]],
    *,
    lo: int,
    hi: int,
    before: int,
    after: int,
    min_len: int,
) -> list[Span]:
    """The gaps of at least min_len between busy blocks widened to [start - after, end + before).

    Sorting the starts and the ends separately is enough: the union of the blocks leaves a gap
    between the i-th smallest end and the (i+1)-th smallest start exactly when that start comes
    later, since before it i+1 blocks have started and i+1 have ended. Widening every block by
    the same amounts keeps both orders, so the buffers only shift the gap bounds. The work is
    done on datetimes with C-level map/sort and only the gaps are converted to seconds: a
    Python-level loop per busy block costs more than everything else together. lo and hi close
    the first and last gap; callers clip the result to their windows.
    """
    busy = busy if isinstance(busy, list) else list(busy)
    starts = list(map(itemgetter(0), busy))
    ends = list(map(itemgetter(1), busy))
    try:
        if not all(map(lt, starts, ends)):
            starts, ends = _non_empty(busy)
        starts.sort()
        ends.sort()
    except TypeError:
        raise ValueError("busy blocks must be pairs of aware datetimes") from None
    if not starts:
        return [(lo, hi)] if hi - lo >= min_len else []
    first, last = to_seconds(starts[0], "busy start"), ceil_seconds(ends[-1], "busy end")
    need = timedelta(seconds=min_len + before + after)
    out = []
    if first - after - lo >= min_len:
        out.append((lo, first - after))
    # Positions where the next start comes after the i-th end: comparing allocates nothing, and
    # in busy calendars few positions pass, so only those pay for a subtraction.
    found = compress(range(len(ends) - 1), map(lt, ends, islice(starts, 1, None)))
    for i in found:
        if starts[i + 1] - ends[i] < need:
            continue
        s = to_seconds(starts[i + 1], "busy start") - after
        e = ceil_seconds(ends[i], "busy end") + before
        if s - e >= min_len:  # rounding fractions of a second may shorten a gap
            out.append((e, s))
    if hi - last - before >= min_len:
        out.append((last + before, hi))
    return out


def _non_empty(busy: list[tuple[datetime, datetime]]) -> tuple[list[datetime], list[datetime]]:
    """Starts and ends of the busy blocks that take time: an instant blocks nothing."""
    for start, end in busy:
        if end < start:
            raise ValueError(f"busy block must start before it ends, got {start} .. {end}")
    kept = [(start, end) for start, end in busy if start < end]
    return [s for s, _ in kept], [e for _, e in kept]


def merge(intervals: Iterable[Span]) -> list[Span]:
    """Sort and merge overlapping or touching spans."""
    out: list[Span] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def intersect(a: Sequence[Span], b: Sequence[Span], min_len: int = 1) -> list[Span]:
    """Pieces of at least min_len seconds that lie in both sorted, disjoint span lists."""
    out = []
    i = j = 0
    na, nb = len(a), len(b)
    while i < na and j < nb:
        a0, a1 = a[i]
        b0, b1 = b[j]
        s = a0 if a0 > b0 else b0
        e = a1 if a1 < b1 else b1
        if e - s >= min_len:
            out.append((s, e))
        if a1 < b1:
            i += 1
        else:
            j += 1
    return out
