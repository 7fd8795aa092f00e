"""Reads for real-time scheduling: finding a request (access checked here only) and the times
it offers now, computed live by the core's availability selectors."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.contrib.auth.models import AbstractBaseUser

from bookings import specs
from bookings.errors import LinkUnavailable
from bookings.links import link_token_id
from bookings.models import SchedulingRequest, SlotClaim
from scheduling import engine
from scheduling.errors import MembersRejected, NotFound
from scheduling.models import Account, Application, Calendar
from scheduling.selectors.access import accounts_visible_to
from scheduling.selectors.availability_queries import (
    availability_find,
    load_members,
    sequenced_availability_find,
)
from scheduling.selectors.calendars import calendar_write_problem


def access_scheduling_request(
    *, application: Application, real_time_scheduling_id: str
) -> SchedulingRequest:
    """The application's request; NotFound for missing and foreign alike."""
    found = SchedulingRequest.objects.filter(
        application=application, real_time_scheduling_id=real_time_scheduling_id
    ).first()
    if found is None:
        raise NotFound(f"No real-time scheduling request {real_time_scheduling_id!r}")
    return found


def scheduling_request_for_token(*, token: str) -> SchedulingRequest:
    """The request a link's token names (the token is the credential); NotFound otherwise."""
    public_id = link_token_id(token)
    found = (
        SchedulingRequest.objects.filter(real_time_scheduling_id=public_id)
        .select_related("application")
        .first()
        if public_id
        else None
    )
    if found is None:
        raise NotFound("No such scheduling link")
    return found


def query_members_check(*, application: Application, query: specs.Query) -> None:
    """Load the query's members as an availability query would (over an instant, so no events
    to speak of): MembersRejected names those the application cannot use."""
    steps = query.steps if isinstance(query, engine.SequenceQuery) else (query,)
    requests = [m for step in steps for g in step.groups for m in g.members]
    start = (
        min(p.start for p in query.query_periods)
        if query.query_periods
        else min(query.query_slots or ())
    )
    load_members(application=application, requests=requests, window=engine.Interval(start, start))


@dataclass(frozen=True)
class OptionStep:
    """One event of an option: the only one for scheduling, a step for sequencing."""

    sequence_id: str | None
    start: dt.datetime
    end: dt.datetime
    participants: tuple[str, ...]


Option = tuple[OptionStep, ...]


def scheduling_request_options(
    *, scheduling_request: SchedulingRequest, now: dt.datetime
) -> list[Option]:
    """The options the request offers now, in time order."""
    query = specs.availability_query(scheduling_request.spec, scheduling_request.kind)
    return _options(scheduling_request.application, query, now)


def scheduling_request_option_at(
    *,
    scheduling_request: SchedulingRequest,
    starts: tuple[dt.datetime, ...],
    now: dt.datetime,
    query: specs.Query | None = None,
) -> Option | None:
    """The option starting at `starts` (one start per step, in step order) if the request offers
    it now, else None: the request's own query narrowed to those times, so alignment, notice,
    buffers, gaps and the query periods all still apply, and nothing else is computed. `query`
    is the request's parsed query when the caller has it already."""
    query = query or specs.availability_query(scheduling_request.spec, scheduling_request.kind)
    narrowed = _narrowed(query, starts)
    if narrowed is None:
        return None
    for option in _options(scheduling_request.application, narrowed, now):
        if tuple(step.start for step in option) == starts:
            return option
    return None


def _options(application: Application, query: specs.Query, now: dt.datetime) -> list[Option]:
    """Raises LinkUnavailable when a participant can no longer be queried (an account withdrew
    its grant or was removed since the link was made)."""
    try:
        return _unclaimed(query, _found(application, query, now))
    except MembersRejected as exc:
        raise LinkUnavailable(LinkUnavailable.UNAVAILABLE) from exc


def _found(application: Application, query: specs.Query, now: dt.datetime) -> list[Option]:
    if isinstance(query, engine.SequenceQuery):
        found = sequenced_availability_find(application=application, query=query, now=now)
        options = [
            tuple(OptionStep(i.sequence_id, i.start, i.end, i.participants) for i in items)
            for items in found
        ]
    else:
        slots = availability_find(application=application, query=query, now=now)
        options = [(OptionStep(None, s.start, s.end, s.participants),) for s in slots]
    return options


def _steps(query: specs.Query) -> list:
    """The query's steps in the order options list them (a plain query is its own one step)."""
    if isinstance(query, engine.SequenceQuery):
        return sorted(query.steps, key=lambda step: step.ordinal)
    return [query]


def _unclaimed(query: specs.Query, options: list[Option]) -> list[Option]:
    """The options with the participants whose time a booking has claimed taken out, and the
    options whose groups are then short of people left out. Availability reads calendars; a
    participant who was booked without a target calendar of their own has no event there, so
    their claims count as busy too (with the step's buffers). One query."""
    if not options:
        return options
    steps = _steps(query)
    pad = max((s.buffer.before + s.buffer.after for s in steps), default=dt.timedelta(0))
    window_start = min(o[0].start for o in options) - pad
    window_end = max(step.end for o in options for step in o) + pad
    claimed: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for sub, start, end in SlotClaim.objects.filter(
        account__sub__in=specs.member_subs(query), start__lt=window_end, end__gt=window_start
    ).values_list("account__sub", "start", "end"):
        claimed[sub].append((start, end))
    if not claimed:
        return options
    kept = []
    for option in options:
        trimmed = tuple(
            _step_unclaimed(picked, step, claimed)
            for picked, step in zip(option, steps, strict=True)
        )
        if all(t is not None for t in trimmed):
            kept.append(trimmed)
    return kept


def _step_unclaimed(picked: OptionStep, step, claimed: dict) -> OptionStep | None:
    start, end = picked.start - step.buffer.before, picked.end + step.buffer.after
    free = tuple(
        sub
        for sub in picked.participants
        if not any(s < end and start < e for s, e in claimed.get(sub, ()))
    )
    for group in step.groups:
        in_group = sum(1 for m in group.members if m.sub in free)
        if in_group < (len(group.members) if group.required is None else group.required):
            return None
    return replace(picked, participants=free)


def _within(
    periods: tuple[engine.Interval, ...], span: engine.Interval
) -> tuple[engine.Interval, ...]:
    """`span` if the union of `periods` holds it whole, else nothing."""
    merged: list[list[dt.datetime]] = []
    for period in sorted(periods):
        if merged and period.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], period.end)
        else:
            merged.append([period.start, period.end])
    return (span,) if any(s <= span.start and span.end <= e for s, e in merged) else ()


def _narrowed(query: specs.Query, starts: tuple[dt.datetime, ...]) -> specs.Query | None:
    if isinstance(query, engine.SequenceQuery):
        ordered = sorted(query.steps, key=lambda step: step.ordinal)
        if len(starts) != len(ordered):
            return None
        steps = []
        for step, start in zip(ordered, starts, strict=True):
            span = engine.Interval(start, start + step.required_duration)
            own = _within(step.query_periods or query.query_periods, span)
            if not own:
                return None
            steps.append(replace(step, query_periods=own))
        whole = engine.Interval(starts[0], max(s.query_periods[0].end for s in steps))
        top = tuple(
            engine.Interval(max(p.start, whole.start), min(p.end, whole.end))
            for p in query.query_periods
            if p.start < whole.end and whole.start < p.end
        )
        return replace(query, steps=tuple(steps), query_periods=top, max_results=1)
    if len(starts) != 1:
        return None
    (start,) = starts
    if query.query_slots is not None:
        return (
            replace(query, query_slots=(start,), max_results=1)
            if start in query.query_slots
            else None
        )
    own = _within(query.query_periods, engine.Interval(start, start + query.required_duration))
    return replace(query, query_periods=own, max_results=1) if own else None


def booked_participants(query: specs.Query, option: Option) -> list[tuple[str, ...]]:
    """Per step, the participants a booking of `option` books (the pages name exactly them):
    of each group, every available member when all are required, else the first `required`
    available ones in the group's order."""
    steps = _steps(query)
    booked = []
    for step, picked in zip(steps, option, strict=True):
        chosen: list[str] = []
        for group in step.groups:
            free = [m.sub for m in group.members if m.sub in picked.participants]
            take = free if group.required is None else free[: group.required]
            chosen += [sub for sub in take if sub not in chosen]
        booked.append(tuple(chosen))
    return booked


def participant_names(*, application: Application, subs: Iterable[str]) -> dict[str, str]:
    """sub -> the account's name (its sub when it has none), for the accounts the application
    may use: a request only names those (it was checked on creation), and a grant revoked since
    must not leak a name. One query."""
    wanted = set(subs)
    names = dict(
        accounts_visible_to(application=application)
        .filter(sub__in=wanted)
        .values_list("sub", "name")
    )
    return {sub: names.get(sub) or sub for sub in wanted}


def visitor_calendar(*, user: AbstractBaseUser) -> Calendar | None:
    """The signed-in visitor's primary calendar here, when they have an account (one is made the
    first time they authorize an application) and may write to it; else None. One query."""
    if not user.is_authenticated:
        return None
    calendar = (
        Calendar.objects.filter(account__user=user, account__kind=Account.Kind.USER, primary=True)
        .select_related("account")
        .first()
    )
    if calendar is None or calendar_write_problem(calendar):
        return None
    return calendar
