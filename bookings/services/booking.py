"""Booking the time an end user picked on a scheduling link: race-free, in one transaction.

The risk is double booking: two visitors (of one link, or of two links sharing a participant)
confirming overlapping times at once, both having seen them free. So, in one transaction:
1. lock the request's row, then the accounts of every participant and target in primary-key
   order (a fixed order: two bookings never wait on each other in a cycle). On PostgreSQL these
   are row locks; on SQLite every transaction is IMMEDIATE (config/settings.py), so it holds the
   database's write lock from its first statement and bookings run one after another;
2. re-check the request (still enabled) and the pick (still offered, computed now with the same
   query narrowed to the picked times), inside the lock;
3. write the events through the core's event write path, claim the participants' time
   (SlotClaim: on PostgreSQL an exclusion constraint refuses an overlap even if the code above
   were wrong), queue the completed callback in the outbox, and mark the request completed.
Anything failing rolls all of it back.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings import specs
from bookings.callbacks import completed_body
from bookings.errors import LinkUnavailable, TimeTaken
from bookings.models import SchedulingRequest, SlotClaim
from bookings.selectors.scheduling_requests import (
    Option,
    booked_participants,
    scheduling_request_option_at,
)
from scheduling.models import Account, Calendar, OutgoingCallback
from scheduling.selectors.access import accounts_visible_to
from scheduling.selectors.calendars import calendar_write_problem
from scheduling.services.callbacks import callback_enqueue
from scheduling.services.events import calendar_event_write
from scheduling.signals import ChangeOrigin
from scheduling.timeformat import TimeValue, format_time


def scheduling_request_book(
    *,
    scheduling_request: SchedulingRequest,
    starts: tuple[dt.datetime, ...],
    user_tzid: str,
    now: dt.datetime | None = None,
) -> SchedulingRequest:
    """Book the option starting at `starts` (one start per step) for the link's visitor; returns
    the completed request. Raises LinkUnavailable or TimeTaken, having changed nothing."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            request = SchedulingRequest.objects.select_for_update().get(pk=scheduling_request.pk)
            status = request.status_at(now)
            if status != SchedulingRequest.Status.ENABLED:
                raise LinkUnavailable(status)
            query = specs.availability_query(request.spec, request.kind)
            accounts = _lock_accounts(request, query)
            option = scheduling_request_option_at(
                scheduling_request=request, starts=starts, now=now, query=query
            )
            if option is None:
                raise TimeTaken()
            booked = booked_participants(query, option)
            _write(request, query, option, booked, accounts, now)
            outcome = _outcome(request, option, booked, user_tzid)
            request.callback = _enqueue_completed(request, outcome, now)
            request.booked_at = now
            request.outcome = outcome
            request.updated_at = now
            request.save(update_fields=["callback", "booked_at", "outcome", "updated_at"])
            return request
    except IntegrityError as exc:
        if _constraint_name(exc) != CLAIM_CONSTRAINT:
            raise
        # The last guard held: another booking took the time first.
        raise TimeTaken() from exc


CLAIM_CONSTRAINT = "slot_claim_no_overlap"


def _constraint_name(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _lock_accounts(request: SchedulingRequest, query: specs.Query) -> dict[str, Account]:
    subs = set(specs.member_subs(query)) | {t.sub for t in specs.targets(request.spec)}
    # Two statements: PostgreSQL allows no FOR UPDATE beside the visibility query's DISTINCT.
    ids = list(
        accounts_visible_to(application=request.application)
        .filter(sub__in=subs)
        .values_list("pk", flat=True)
    )
    locked = Account.objects.filter(pk__in=ids).order_by("pk").select_for_update()
    return {account.sub: account for account in locked}


def _write(request, query, option, booked, accounts, now) -> None:
    """Write each step's event into its target calendars (all still writable, else the link is
    unavailable) and claim the booked participants' time."""
    spec = request.spec
    all_subs = {sub for subs in booked for sub in subs}
    member_subs = set(specs.member_subs(query))
    calendars = {
        (c.account_id, c.calendar_id): c
        for c in Calendar.objects.filter(
            account__in=accounts.values(),
            calendar_id__in={t.calendar_id for t in specs.targets(spec)},
        ).select_related("account")
    }
    origin = ChangeOrigin.booking(
        application_id=request.application_id, booking_id=request.real_time_scheduling_id
    )
    tzid = specs.event_tzid(spec)
    for target in specs.targets(spec):
        account = accounts.get(target.sub)
        calendar = calendars.get((account.pk, target.calendar_id)) if account else None
        if calendar is None or calendar_write_problem(calendar):
            raise LinkUnavailable(LinkUnavailable.UNAVAILABLE)
    for step, subs in zip(option, booked, strict=True):
        event = specs.option_event(spec, step.sequence_id)
        targets = [
            t
            for t in specs.targets(spec)
            if t.sub in subs or (t.sub not in member_subs and t.sub not in all_subs)
        ]
        if spec["event_creation"] == "single":
            targets = targets[:1]
        for target in targets:
            calendar_event_write(
                calendar=calendars[(accounts[target.sub].pk, target.calendar_id)],
                origin=origin,
                application=request.application,
                event_id=event["event_id"],
                summary=event.get("summary", ""),
                description=event.get("description") or "",
                location=event.get("location"),
                start=TimeValue(step.start),
                end=TimeValue(step.end),
                tzid=tzid,
                now=now,
            )
        SlotClaim.objects.bulk_create(
            SlotClaim(
                account=accounts[sub],
                scheduling_request=request,
                start=step.start,
                end=step.end,
                created_at=now,
                updated_at=now,
            )
            for sub in subs
        )


def _outcome(request, option: Option, booked, user_tzid: str) -> dict:
    everyone = list(dict.fromkeys(sub for subs in booked for sub in subs))
    outcome = {
        "start": format_time(option[0].start),
        "end": format_time(max(step.end for step in option)),
        "tzid": specs.event_tzid(request.spec),
        "user_tzid": user_tzid,
        "participants": everyone,
    }
    if request.kind == SchedulingRequest.Kind.SEQUENCING:
        outcome["sequence"] = [
            {
                "sequence_id": step.sequence_id,
                "start": format_time(step.start),
                "end": format_time(step.end),
                "participants": list(subs),
                "event": specs.step_event(request.spec, step.sequence_id),
            }
            for step, subs in zip(option, booked, strict=True)
        ]
    return outcome


def _enqueue_completed(request, outcome: dict, now) -> OutgoingCallback | None:
    url = request.spec["callback_urls"].get("completed_url")
    if not url:
        return None
    return callback_enqueue(
        application=request.application,
        url=url,
        body=completed_body(request, outcome),
        kind=OutgoingCallback.Kind.SCHEDULING_CALLBACK,
        now=now,
    )
