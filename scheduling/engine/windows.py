"""Which windows satisfy every group, and who is free in them.

A window is valid when the members free throughout it satisfy every group. Validity only
shrinks as a window grows, so everything the formats need follows from the maximal valid
windows: a slot is valid exactly when it fits inside one of them. Windows shorter than the
required duration are dropped as early as possible: no valid slot or period can use them.

"All" groups (and N-of-M groups with N equal to their size) reduce to one set of common free
spans: the allowed spans minus the union of every such member's widened busy blocks, found with
one sort of all their starts and ends. Only members of true N-of-M groups get spans of their
own, swept per group, and only they are checked one by one when listing participants.
"""

from bisect import bisect_right, insort
from collections.abc import Sequence
from itertools import chain

from scheduling.engine.intervals import Span, busy_gaps, intersect, merge, spans
from scheduling.engine.model import Group, Member
from scheduling.engine.rules import expand_rules


class MemberSpans:
    """One member's free spans (sorted, disjoint) as parallel start and end lists for bisect."""

    __slots__ = ("ends", "spans", "starts")

    def __init__(self, free: list[Span]) -> None:
        self.spans = free
        self.starts = [s for s, _ in free]
        self.ends = [e for _, e in free]


# Per sub, in query order: (sub, always free in a valid window?, the sub's members' spans).
Roster = list[tuple[str, bool, list[MemberSpans]]]


class Windows:
    """The maximal valid windows of a query (each at least the duration) and a roster."""

    __slots__ = ("ends", "roster", "spans", "starts")

    def __init__(self, windows: list[Span], roster: Roster):
        self.spans = windows
        self.starts = [s for s, _ in windows]
        self.ends = [e for _, e in windows]
        self.roster = roster

    def fits(self, start: int, end: int) -> bool:
        """Whether [start, end) lies inside one valid window."""
        i = bisect_right(self.starts, start) - 1
        # Windows sorted by start also have increasing ends: the last one starting at or before
        # `start` reaches furthest.
        return i >= 0 and self.ends[i] >= end

    def participants(self, start: int, end: int) -> tuple[str, ...]:
        """Subs of every member free throughout [start, end), which must be a valid window.

        Members of all-groups are free in every valid window; only N-of-M members are looked up.
        """
        out = []
        for sub, always, checks in self.roster:
            if always:
                out.append(sub)
                continue
            for check in checks:
                i = bisect_right(check.starts, start) - 1
                if i >= 0 and check.ends[i] >= end:
                    out.append(sub)
                    break
        return tuple(out)


def compute_windows(
    groups: Sequence[Group[Member]],
    periods: list[Span],
    *,
    duration: int,
    before: int,
    after: int,
) -> Windows:
    """Maximal windows where every group is satisfied, within `periods` (sorted, disjoint)."""
    if not periods:
        return Windows([], [])
    always: dict[str, bool] = {}
    checks: dict[str, list[MemberSpans]] = {}
    bounds = (periods[0][0], periods[-1][1], before, after, duration)
    components: list[list[Span]] = []
    common = [m for g in groups if _is_all(g) for m in g.members]
    if common:
        components.append(_common_spans(common, periods, bounds))
    own: dict[int, MemberSpans] = {}
    for group in groups:
        if _is_all(group):
            for member in group.members:
                always[member.sub] = True
            continue
        for member in group.members:
            if id(member) not in own:
                own[id(member)] = MemberSpans(_member_spans(member, periods, bounds))
            always.setdefault(member.sub, False)
            checks.setdefault(member.sub, []).append(own[id(member)])
        free = [own[id(m)].spans for m in group.members]
        components.append(_group_spans(free, group.required, duration))
    roster = [(sub, free, checks.get(sub, [])) for sub, free in always.items()]
    return Windows(_combine(components, duration), roster)


def _is_all(group: Group[Member]) -> bool:
    return group.required is None or group.required >= len(group.members)


def _allowed(member: Member, periods: list[Span], bounds: tuple) -> list[Span]:
    """Where a member may be booked at all: periods ∩ managed windows ∩ request periods."""
    lo, hi, _, _, duration = bounds
    allowed = periods
    if member.managed:
        managed = expand_rules(member.rules, lo, hi)
        managed = _union(managed, spans(member.available_periods, "available period"))
        allowed = intersect(allowed, managed, duration)
    if member.request_periods is not None:
        requested = spans(member.request_periods, "member available period")
        allowed = intersect(allowed, requested, duration)
    return allowed


def _union(a: list[Span], b: list[Span]) -> list[Span]:
    return merge(chain(a, b)) if b else a


def _common_spans(members: list[Member], periods: list[Span], bounds: tuple) -> list[Span]:
    """Free spans shared by every member of the all-groups."""
    lo, hi, before, after, duration = bounds
    allowed = periods
    for member in {id(m): m for m in members}.values():
        if member.managed or member.request_periods is not None:
            allowed = _allowed(member, allowed, bounds)
    busy = list(chain.from_iterable(m.busy for m in members))
    gaps = busy_gaps(busy, lo=lo, hi=hi, before=before, after=after, min_len=duration)
    return intersect(allowed, gaps, duration)


def _member_spans(member: Member, periods: list[Span], bounds: tuple) -> list[Span]:
    lo, hi, before, after, duration = bounds
    gaps = busy_gaps(member.busy, lo=lo, hi=hi, before=before, after=after, min_len=duration)
    return intersect(_allowed(member, periods, bounds), gaps, duration)


def _group_spans(free: list[list[Span]], need: int, duration: int) -> list[Span]:
    """Maximal windows where at least `need` of the members are free throughout.

    Sweep the members' spans by start, keeping the ends of the spans still open in a sorted list.
    At a start t the best window beginning at t ends at the need-th latest open end; it is
    maximal when that end beats every earlier window's end (earlier starts reach no further).
    Work is O(spans x (log spans + members)), never pairs of spans.
    """
    items = sorted(chain.from_iterable(free))
    open_ends: list[int] = []
    out: list[Span] = []
    best = None
    i, n = 0, len(items)
    while i < n:
        t = items[i][0]
        while i < n and items[i][0] == t:
            insort(open_ends, items[i][1])
            i += 1
        closed = bisect_right(open_ends, t)
        if closed:
            del open_ends[:closed]
        if len(open_ends) >= need:
            end = open_ends[-need]
            if best is None or end > best:
                best = end
                if end - t >= duration:
                    out.append((t, end))
    return out


def _combine(components: list[list[Span]], duration: int) -> list[Span]:
    """Maximal windows valid for every component (each a list of its own maximal windows).

    A component's best end for a start t is the end of its last window starting at or before t.
    The overall best end is the smallest of those; a start whose best end beats every earlier
    start's gives a maximal window.
    """
    if len(components) == 1:
        return components[0]
    if not all(components):
        return []
    candidates = sorted({s for comp in components for s, _ in comp})
    index = [0] * len(components)
    out: list[Span] = []
    best = None
    for t in candidates:
        end = None
        for k, comp in enumerate(components):
            i = index[k]
            while i + 1 < len(comp) and comp[i + 1][0] <= t:
                i += 1
            index[k] = i
            s, e = comp[i]
            if s > t or e <= t:
                end = None
                break
            if end is None or e < end:
                end = e
        if end is not None and (best is None or end > best):
            best = end
            if end - t >= duration:
                out.append((t, end))
    return out
