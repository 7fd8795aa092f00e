"""Slot starts on start_interval boundaries inside valid windows.

Boundaries are multiples of the interval counted from the Unix epoch, i.e. from 00:00 UTC of
every day (allowed intervals divide a day), whatever the query periods' own starts are.
"""

from collections.abc import Iterator

from scheduling.engine.intervals import Span


def align_up(t: int, interval: int) -> int:
    """The first boundary at or after t."""
    return -(-t // interval) * interval


def slot_starts(
    windows: list[Span], *, duration: int, interval: int, overlapping: bool
) -> Iterator[int]:
    """Valid slot starts in chronological order.

    overlapping: every boundary t with [t, t + duration) inside a window. Otherwise greedy
    non-overlapping slots: the earliest valid boundary, then the first valid boundary at or after
    that slot's end, and so on. Windows are sorted by start with increasing ends (they may
    overlap), so the starts each window adds beyond the previous ones come strictly later.
    """
    cursor = None
    for start, end in windows:
        t = align_up(start if cursor is None or start > cursor else cursor, interval)
        while t + duration <= end:
            yield t
            cursor = t + interval if overlapping else t + duration
            t = align_up(cursor, interval)
