"""Availability calendars: seed 000's "sub calendar" recipe, built in.

Seed 000 tells integrators to watch a calendar through a channel and upsert one available period
per event (`available_period_id` = the event's `event_uid`), deleting it when the event goes.
Here an account names one of its own calendars (hosted or synced) as its availability calendar
and the core keeps the periods in step: every committed change to that calendar's events
(`events_changed`, whatever its origin: API, booking or sync) queues a reconcile, and the
reconcile makes the periods mirror the calendar's live events. The ids are the recipe's, so an
integrator's own loop and this one give the same periods.

Periods with other ids (the integrator's own) are never touched. The calendar's events are not
busy time for default availability queries (selectors/availability_queries.py).
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import Account, AvailablePeriod, Calendar, Event
from scheduling.selectors.access import access_calendar
from scheduling.services.availability import available_periods_put

RECONCILE_TASK = "scheduling.tasks.availability_calendar_reconcile"


@dataclass(frozen=True)
class Reconciled:
    """What a reconcile changed (all zero when the account has no availability calendar)."""

    created: int = 0
    updated: int = 0
    deleted: int = 0


def _account_locked(account_id: int) -> Account | None:
    """The account row, locked until the transaction ends: reconciles, and a reconcile and a
    switch of calendars, of one account run one after the other, so that two never create the
    same period twice nor mirror a calendar that is no longer the account's."""
    return Account.objects.select_for_update().filter(pk=account_id).first()


def _periods_of_calendar_delete(*, account_id: int, calendar_pk: int, gone_only: bool) -> int:
    """Delete the account's periods whose id is the uid of an event of the calendar (only of
    its gone events with `gone_only`). One query: the uids stay in the database."""
    events = Event.objects.filter(calendar_id=calendar_pk)
    if gone_only:
        events = events.filter(_gone())
    deleted, _ = AvailablePeriod.objects.filter(
        account_id=account_id, available_period_id__in=events.values("event_uid")
    ).delete()
    return deleted


def _gone() -> Q:
    """Events that no longer stand: deleted, cancelled, or in a calendar that was deleted."""
    return Q(deleted=True) | Q(status=Event.Status.CANCELLED) | Q(calendar__deleted=True)


def _mirror(*, account_id: int, calendar_pk: int, now: dt.datetime) -> Reconciled:
    live = (
        Event.objects.filter(calendar_id=calendar_pk)
        .exclude(_gone())
        .values_list("event_uid", "start", "end")
    )
    put = available_periods_put(
        account_id=account_id,
        periods={uid: (start, end) for uid, start, end in live},
        now=now,
    )
    deleted = _periods_of_calendar_delete(
        account_id=account_id, calendar_pk=calendar_pk, gone_only=True
    )
    return Reconciled(created=put.created, updated=put.updated, deleted=deleted)


@transaction.atomic
def availability_calendar_reconcile(
    *, account_id: int, now: dt.datetime | None = None
) -> Reconciled:
    """Make the account's available periods mirror the live events of its availability calendar.

    One period per live (not deleted, not cancelled) event, `available_period_id` = the event's
    `event_uid`, spanning the event's stored UTC instants (an all-day event: the local midnights
    of its dates). Changed periods are updated, unchanged ones left alone; periods of the
    calendar's deleted or cancelled events are deleted; every other period stays. Idempotent, and
    a constant number of queries however many events there are. Nothing happens for an account
    without an availability calendar (or one deleted since the change was queued).
    """
    now = now or timezone.now()
    account = _account_locked(account_id)
    if account is None or account.availability_calendar_id is None:
        return Reconciled()
    return _mirror(account_id=account_id, calendar_pk=account.availability_calendar_id, now=now)


def _own_live_calendar(*, account: Account, calendar_id: str) -> Calendar:
    """The account's live calendar with this id; a 422 on `calendar_id` for a missing, deleted
    or another account's calendar alike (nothing tells them apart)."""
    try:
        calendar = access_calendar(account=account, calendar_id=calendar_id)
    except NotFound:
        calendar = None
    if calendar is None or calendar.deleted:
        raise ValidationFailed.one(
            "calendar_id", "not_found", f"No calendar {calendar_id!r} in this account"
        )
    return calendar


@transaction.atomic
def availability_calendar_set(
    *, account: Account, calendar_id: str | None, now: dt.datetime | None = None
) -> Calendar | None:
    """Make one of the account's own live calendars (hosted or synced) its availability calendar,
    or clear it (`calendar_id` None). Returns the calendar (None when cleared).

    The periods follow at once: switching away from a calendar deletes the periods that came
    from its events, clearing deletes them too, and the new calendar is reconciled before this
    returns. Periods the integrator made under other ids stay. `account` is updated in place.
    """
    now = now or timezone.now()
    calendar = (
        _own_live_calendar(account=account, calendar_id=calendar_id)
        if calendar_id is not None
        else None
    )
    locked = _account_locked(account.pk)
    previous = locked.availability_calendar_id
    new_pk = calendar.pk if calendar is not None else None
    if previous is not None and previous != new_pk:
        _periods_of_calendar_delete(account_id=account.pk, calendar_pk=previous, gone_only=False)
    if previous != new_pk:
        Account.objects.filter(pk=account.pk).update(availability_calendar=calendar, updated_at=now)
        account.updated_at = now
    account.availability_calendar = calendar
    if calendar is not None:
        _mirror(account_id=account.pk, calendar_pk=calendar.pk, now=now)
    return calendar


def availability_calendar_changes_queue(*, account_id: int, calendar_ids: list[str]) -> bool:
    """After events of the account's calendars changed (`events_changed`): queue a reconcile when
    one of them is its availability calendar. Returns whether one was queued. Called after the
    change committed; the task is queued after the current transaction, if any, commits."""
    watched = Account.objects.filter(
        pk=account_id, availability_calendar__calendar_id__in=calendar_ids
    ).exists()
    if watched:
        transaction.on_commit(partial(async_task, RECONCILE_TASK, account_id), robust=True)
    return watched
