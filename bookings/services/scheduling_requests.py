"""Real-time scheduling and sequencing requests: create, disable, and the "no times" outcomes.

Booking a picked time is bookings/services/booking.py.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from bookings import specs
from bookings.callbacks import no_times_body
from bookings.models import SchedulingRequest
from bookings.selectors.scheduling_requests import query_members_check
from scheduling import engine
from scheduling.api.availability_input import member_errors
from scheduling.errors import MembersRejected, ValidationFailed
from scheduling.ids import new_public_id
from scheduling.models import Application, Calendar, Grant, OutgoingCallback
from scheduling.outbound import callback_url_problem
from scheduling.scopes import parse_scope, scope_allows
from scheduling.selectors.access import accounts_visible_to
from scheduling.selectors.calendars import calendar_write_problem
from scheduling.services.callbacks import callback_enqueue

CALLBACK_KEYS = ("completed_url", "no_times_suitable_url", "no_times_displayed_url")


def scheduling_request_create(
    *, application: Application, kind: str, spec: dict, now: dt.datetime | None = None
) -> SchedulingRequest:
    """Store a validated request (the API serializer's `spec()`), after checking what needs the
    database: the availability members (MembersRejected, mapped by the caller), the target
    calendars (the application's accounts' own, writable calendars), event ids that two steps
    would write into one calendar, and the callback URLs (resolved before the transaction)."""
    now = now or timezone.now()
    _check_callback_urls(spec)
    query = specs.availability_query(spec, kind)
    try:
        query_members_check(application=application, query=query)
    except MembersRejected as exc:
        errors = member_errors(exc, query).errors
        raise ValidationFailed({f"availability.{k}": v for k, v in errors.items()}) from exc
    _check_targets(application, specs.targets(spec))
    if kind == SchedulingRequest.Kind.SEQUENCING:
        _check_step_event_ids(spec, query)
    with transaction.atomic():
        return SchedulingRequest.objects.create(
            real_time_scheduling_id=new_public_id("sch", 24),
            application=application,
            kind=kind,
            spec=spec,
            expires_at=specs.query_end(query),
            created_at=now,
            updated_at=now,
        )


def _check_callback_urls(spec: dict) -> None:
    """The network guard's answer for each callback URL, on the field the client sent it in
    (the legacy `callback_url` stands in for `callback_urls.completed_url`)."""
    urls = spec["callback_urls"]
    errors = {}
    for key in CALLBACK_KEYS:
        if urls.get(key) and (problem := callback_url_problem(urls[key])):
            legacy = key == "completed_url" and spec.get("callback_url") == urls[key]
            errors["callback_url" if legacy else f"callback_urls.{key}"] = [("invalid", problem)]
    if errors:
        raise ValidationFailed(errors)


def _check_targets(application: Application, targets: list[specs.Target]) -> None:
    accounts = {
        a.sub: a
        for a in accounts_visible_to(application=application).filter(
            sub__in={t.sub for t in targets}
        )
    }
    calendars = {}
    if accounts:
        calendars = {
            (c.account_id, c.calendar_id): c
            for c in Calendar.objects.filter(
                account__in=accounts.values(), calendar_id__in={t.calendar_id for t in targets}
            )
        }
    writable = _may_write_events(application, accounts.values())
    errors: dict[str, list[tuple[str, str]]] = {}
    for index, target in enumerate(targets):
        account = accounts.get(target.sub)
        if account is None:
            errors[f"target_calendars.{index}.sub"] = [("unknown", f"No account {target.sub!r}")]
            continue
        if account.pk not in writable:
            text = f"{target.sub!r} has not allowed this application to create events"
            errors[f"target_calendars.{index}.sub"] = [("not_accessible", text)]
            continue
        calendar = calendars.get((account.pk, target.calendar_id))
        problem = (
            f"No calendar {target.calendar_id!r} of {target.sub!r}"
            if calendar is None
            else calendar_write_problem(calendar)
        )
        if problem:
            errors[f"target_calendars.{index}.calendar_id"] = [("invalid", problem)]
    if errors:
        raise ValidationFailed(errors)


def _may_write_events(application: Application, accounts) -> set[int]:
    """Primary keys of the accounts the application may write events for: its own calendars and
    resources, and people whose live grant holds create_event. One query."""
    own = {a.pk for a in accounts if a.application_id == application.pk}
    people = [a.pk for a in accounts if a.pk not in own]
    grants = Grant.objects.filter(
        application=application, account_id__in=people, revoked_at__isnull=True
    ).values_list("account_id", "scope")
    return own | {pk for pk, scope in grants if scope_allows(parse_scope(scope), "create_event")}


def _check_step_event_ids(spec: dict, query: engine.SequenceQuery) -> None:
    """Two steps may not write events with one event_id into one calendar (the second would
    overwrite the first). A target receives a step's event when its sub may take part in the
    step, or when its sub takes part in no step at all."""
    step_subs = [{m.sub for g in step.groups for m in g.members} for step in query.steps]
    anywhere = set().union(*step_subs)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for index, (step, subs) in enumerate(zip(query.steps, step_subs, strict=True)):
        event_id = specs.step_event(spec, step.sequence_id)["event_id"]
        for target in specs.targets(spec):
            if target.sub in subs or target.sub not in anywhere:
                seen[(target.calendar_id, event_id)] += 1
                if seen[(target.calendar_id, event_id)] > 1:
                    raise ValidationFailed.one(
                        f"availability.sequence.{index}.event.event_id",
                        "duplicate",
                        f"Another step writes event {event_id!r} into {target.calendar_id!r} too.",
                    )


def scheduling_request_disable(
    *, scheduling_request: SchedulingRequest, display_message: str, now: dt.datetime | None = None
) -> SchedulingRequest:
    """Switch the link off (idempotent; a completed request stays completed). The visitor sees
    `display_message`."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = SchedulingRequest.objects.select_for_update().get(pk=scheduling_request.pk)
        if locked.disabled_at is None:
            locked.disabled_at = now
        locked.display_message = display_message or ""
        locked.updated_at = now
        locked.save(update_fields=["disabled_at", "display_message", "updated_at"])
        return locked


def scheduling_request_no_times(
    *, scheduling_request: SchedulingRequest, reason: str, now: dt.datetime | None = None
) -> OutgoingCallback | None:
    """Tell the integrator that the visitor found no suitable time (`reason`
    "no_times_suitable", the visitor said so) or was shown none ("no_times_displayed", sent once
    per request). Queues the callback when the request has a URL for it."""
    now = now or timezone.now()
    url = scheduling_request.spec["callback_urls"].get(f"{reason}_url")
    with transaction.atomic():
        locked = SchedulingRequest.objects.select_for_update().get(pk=scheduling_request.pk)
        if reason == "no_times_displayed":
            if locked.no_times_notified_at is not None:
                return None
            locked.no_times_notified_at = now
            locked.updated_at = now
            locked.save(update_fields=["no_times_notified_at", "updated_at"])
        if not url:
            return None
        return callback_enqueue(
            application=locked.application,
            url=url,
            body=no_times_body(locked, reason),
            kind=OutgoingCallback.Kind.SCHEDULING_CALLBACK,
            now=now,
        )
