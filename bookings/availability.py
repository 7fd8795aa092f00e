"""Timekit's availability (reference 1.5), answered by the core engine.

A resource is free unless an event in one of its calendars (opaque, live, not cancelled: core
events, bookings and classes alike) or a constraint blocks it ("available until blocked").
These functions load the inputs in a constant number of queries, turn every resource's
constraints (its own, the project's, the request's) into the periods it may be booked in
(bookings/engine/constraints.py) and let the core engine (scheduling/engine/) subtract busy time
with buffers and lay out the slots. `slot_problem` asks the same question for one booking.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from bookings.engine.constraints import Constraint, allowed_spans, constraints_parse
from bookings.engine.durations import duration_parse
from bookings.models import Project, ResourceSettings
from bookings.selectors.timekit import resources_of
from scheduling import engine
from scheduling.engine import limits
from scheduling.errors import ValidationFailed
from scheduling.models import Account, Application, Calendar, Event
from scheduling.selectors.availability_queries import event_spans

MUTUAL = "mutual"
ROUNDROBIN_RANDOM = "roundrobin_random"
ROUNDROBIN_PRIORITIZED = "roundrobin_prioritized"
EXCLUSIVE = "exclusive"
MODES = (MUTUAL, ROUNDROBIN_RANDOM, ROUNDROBIN_PRIORITIZED, EXCLUSIVE)

# The longest window one request may ask for (Timekit: "max 6 months"), and the most slots
# one answer holds (the earliest ones; 6 months of 5-minute slots would be 52,000).
MAX_WINDOW = dt.timedelta(days=183)
MAX_SLOTS = 10_000
# The core engine answers at most 35 days and MAX_RESULTS slots per query: longer windows are
# asked in chunks.
_CHUNK = limits.MAX_QUERY_SPAN - limits.MAX_REQUIRED_DURATION

_RANDOM = random.Random()  # noqa: S311 - spreading bookings, not a secret


@dataclass(frozen=True, slots=True)
class AvailabilityRequest:
    """A validated POST /v2/availability, project settings already merged in.

    `resources` are res_ ids in the caller's order; `project`'s constraints apply as well."""

    resources: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime
    length: dt.timedelta = dt.timedelta(hours=1)
    mode: str = ROUNDROBIN_RANDOM
    buffer: dt.timedelta = dt.timedelta(0)
    constraints: tuple[Constraint, ...] = ()
    ignore_all_day_events: bool = False
    project: Project | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    resources: tuple[Account, ...]


def slot_step(length: dt.timedelta) -> dt.timedelta:
    """Where slots may start: on multiples (from 00:00 UTC) of the largest step the core engine
    allows that divides `length`, an hour at most; 5 minutes when none does."""
    minutes = int(length.total_seconds() // 60)
    steps = [m for m in limits.ALLOWED_START_INTERVAL_MINUTES if m <= 60 and minutes % m == 0]
    return dt.timedelta(minutes=max(steps, default=5))


def availability_slots(
    *,
    application: Application,
    request: AvailabilityRequest,
    now: dt.datetime,
    rng: random.Random | None = None,
) -> list[Slot]:
    """The bookable slots of `request`, sorted by start, each with the resources it offers:
    every resource (mutual), every free one (exclusive) or the first free one in order
    (roundrobin_prioritized; roundrobin_random shuffles the order once with `rng`, so the
    resource found first keeps precedence in later slots). Slots start no earlier than `now`.

    Five queries whatever the number of resources. Raises ValidationFailed naming
    `resources.<i>` for an id that is not one of the application's resources."""
    accounts = _resources(application, request.resources)
    if request.mode == ROUNDROBIN_RANDOM:
        (rng or _RANDOM).shuffle(accounts)
    widened = (request.start - request.buffer, request.end + request.buffer)
    busy = _busy(accounts, widened, ignore_all_day_events=request.ignore_all_day_events)
    project_constraints = _stored(
        request.project.availability_constraints if request.project else []
    )
    members = tuple(
        engine.Member(
            sub=account.sub,
            busy=busy[account.pk],
            request_periods=_periods(
                account, (project_constraints, request.constraints), request.start, request.end
            ),
        )
        for account in accounts
    )
    group = engine.Group(members, required=None if request.mode == MUTUAL else 1)
    by_sub = {account.sub: account for account in accounts}
    slots = []
    for found in _run(group, request, now):
        subs = found.participants
        if request.mode in (ROUNDROBIN_RANDOM, ROUNDROBIN_PRIORITIZED):
            subs = subs[:1]
        slots.append(Slot(found.start, found.end, tuple(by_sub[sub] for sub in subs)))
    return slots


def slot_problem(
    *,
    account: Account,
    start: dt.datetime,
    end: dt.datetime,
    buffer: dt.timedelta = dt.timedelta(0),
    constraints: Sequence[Constraint | Mapping] = (),
    project: Project | None = None,
    now: dt.datetime,
    ignore_event: int | None = None,
) -> str | None:
    """None when `account` may be booked for [start, end): not in the past, allowed by its own,
    the project's and these constraints, and no busy event within `buffer` of it (the event
    whose pk is `ignore_event` left out, so a reschedule or a confirm does not collide with its
    own event). A message saying why not otherwise. Two queries."""
    if start < now:
        return "The time has passed."
    parsed = tuple(
        c if isinstance(c, Constraint) else constraints_parse([c])[0] for c in constraints
    )
    own = ResourceSettings.objects.filter(account=account).values_list(
        "availability_constraints", flat=True
    )
    sets = [_stored(own.first() or []), parsed]
    if project is not None:
        sets.append(_stored(project.availability_constraints))
    window = {"tzid": account.default_tzid, "start": start, "end": end}
    # Compared with what no constraint leaves (the same rounding to whole seconds).
    if allowed_spans([s for s in sets if s], **window) != allowed_spans([], **window):
        return "The resource's availability constraints do not allow this time."
    events = _live_events(start - buffer, end + buffer).filter(
        calendar__account=account, calendar__deleted=False
    )
    if ignore_event is not None:
        events = events.exclude(pk=ignore_event)
    if any(s < e for _, s, e in event_spans(events)):
        return "The resource is busy at this time."
    return None


def booking_slot_problem(
    *,
    account: Account,
    start: dt.datetime,
    end: dt.datetime,
    project: Project | None,
    now: dt.datetime,
    ignore_event: int | None = None,
) -> str | None:
    """slot_problem with what a booking made through `project` must respect: the project's
    `availability.buffer` and `availability.constraints` (stored validated), besides its
    `availability_constraints` and the resource's own."""
    settings = (project.availability or {}) if project is not None else {}
    return slot_problem(
        account=account,
        start=start,
        end=end,
        buffer=duration_parse(settings.get("buffer", "")) or dt.timedelta(0),
        constraints=settings.get("constraints", ()),
        project=project,
        now=now,
        ignore_event=ignore_event,
    )


def resource_constraints_set(*, resource: Account, constraints: list[dict]) -> None:
    """Replace a resource's `availability_constraints` (validated wire objects, kept as sent)."""
    with transaction.atomic():
        settings, _ = ResourceSettings.objects.update_or_create(
            account=resource, defaults={"availability_constraints": constraints}
        )
    resource.timekit_settings = settings  # what the caller presents next


def resource_constraints(resource: Account) -> list[dict]:
    """What resource_constraints_set stored; load `timekit_settings` with the resource."""
    try:
        return resource.timekit_settings.availability_constraints
    except ResourceSettings.DoesNotExist:
        return []


def _stored(raws: list) -> tuple[Constraint, ...]:
    """Constraints stored after validation (a resource's, a project's)."""
    return constraints_parse(raws)


def _resources(application: Application, subs: Sequence[str]) -> list[Account]:
    found = {
        account.sub: account
        for account in resources_of(application=application)
        .filter(sub__in=set(subs))
        .select_related("timekit_settings")
    }
    errors = {}
    for index, sub in enumerate(subs):
        if sub not in found:
            errors[f"resources.{index}"] = [("unknown", f"{sub[:64]!r} is not a resource.")]
        elif sub in subs[:index]:
            errors[f"resources.{index}"] = [("duplicate", f"{sub!r} is listed twice.")]
    if errors:
        raise ValidationFailed(errors)
    return [found[sub] for sub in subs]


def _live_events(start: dt.datetime, end: dt.datetime):
    """Events that make a calendar busy, as the core's availability counts them."""
    return Event.objects.filter(
        start__lt=end, end__gt=start, deleted=False, transparency=Event.Transparency.OPAQUE
    ).exclude(status=Event.Status.CANCELLED)


def _busy(
    accounts: list[Account], window: tuple[dt.datetime, dt.datetime], *, ignore_all_day_events: bool
) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """Busy blocks per account pk: two queries."""
    calendars = dict(
        Calendar.objects.filter(account__in=accounts, deleted=False).values_list("pk", "account_id")
    )
    events = _live_events(*window).filter(calendar_id__in=list(calendars))
    if ignore_all_day_events:
        events = events.exclude(all_day=True)
    busy: dict[int, list] = defaultdict(list)
    for calendar_pk, start, end in event_spans(events) if calendars else ():
        busy[calendars[calendar_pk]].append((start, end))
    return busy


def _periods(
    account: Account,
    others: tuple[tuple[Constraint, ...], ...],
    start: dt.datetime,
    end: dt.datetime,
) -> tuple[engine.Interval, ...] | None:
    """The periods the constraints allow the resource (None: no constraint, no limit)."""
    sets = [s for s in (_stored(resource_constraints(account)), *others) if s]
    if not sets:
        return None
    return tuple(allowed_spans(sets, tzid=account.default_tzid, start=start, end=end))


def _run(group: engine.Group, request: AvailabilityRequest, now: dt.datetime):
    """The core engine's slots over the whole window, asked in chunks it accepts.

    Slots are laid greedily (the earliest free step, then the first step at or after its end).
    A chunk's last slots may be cut by its end: the next chunk starts where the last slot found
    ended, or one length before the chunk's end, whichever is later, so no slot is lost and
    none overlaps the one before it."""
    step = slot_step(request.length)
    buffer = engine.Buffer(request.buffer, request.buffer)
    cursor, out = request.start, []
    while cursor < request.end and len(out) < MAX_SLOTS:
        chunk_end = min(cursor + _CHUNK, request.end)
        if chunk_end - cursor < request.length:
            break
        query = engine.AvailabilityQuery(
            groups=(group,),
            query_periods=(engine.Interval(cursor, chunk_end),),
            required_duration=request.length,
            now=now,
            buffer=buffer,
            start_interval=step,
            max_results=limits.MAX_RESULTS,
            response_format="slots",
        )
        found = engine.availability(query)
        out.extend(found)
        if len(found) == limits.MAX_RESULTS:
            cursor = found[-1].end
        elif chunk_end == request.end:
            break
        else:
            cursor = max(found[-1].end if found else cursor, chunk_end - request.length)
    return out[:MAX_SLOTS]
