"""Events: the API's managed events (upsert by calendar, application and event_id; soft delete;
bulk delete) and the core write path for everything else (bookings, sync; a sync's bulk pull
goes through its batched form, services/event_imports.py).

A managed event belongs to the application that created it: only that application addresses it by
event_id, deletes it (by event_id, event_uid or in bulk); to other applications the account has
authorized it reads as an external event they cannot change.

Every write stamps `updated_at = now` (the `last_modified` readers sync by) and, once committed,
sends `scheduling.signals.events_changed` with its origin. Deletes are soft (`deleted=True`) so
that readers with `include_deleted` learn about them.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from scheduling.errors import ValidationFailed
from scheduling.models import Account, Application, Calendar, Event
from scheduling.selectors.access import access_calendar
from scheduling.selectors.calendars import calendar_write_problem, calendars_owned
from scheduling.selectors.events import events_changeable_by
from scheduling.signals import ChangeOrigin, events_changed_on_commit
from scheduling.timeformat import TimeValue
from scheduling.timezones import UTC_TZID, start_of_day


@dataclass(frozen=True)
class EventSpan:
    """Where an event sits, as stored: UTC instants, plus the dates of an all-day event."""

    start: dt.datetime
    end: dt.datetime
    start_tzid: str
    end_tzid: str
    all_day: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None


def event_span_resolve(
    *, start: TimeValue, end: TimeValue, tzid: str | None, default_tzid: str
) -> EventSpan:
    """Turn an upsert's start/end into stored form.

    Times are instants; their zone is their own tzid, else the request's tzid, else Etc/UTC.
    Dates make an all-day event (end exclusive) in one zone: the start's own tzid, else the
    request's tzid, else the account's default_tzid. Its stored instants are the local midnights
    of those dates in that zone, so it blocks whole local days even across a DST change.
    """
    if start.is_date != end.is_date:
        raise ValidationFailed.one(
            "end", "invalid", "start and end must both be Times or both be Dates (all-day)."
        )
    if start.is_date:
        if end.value <= start.value:
            raise ValidationFailed.one("end", "invalid", "end must be after start.")
        zone_name = start.tzid or tzid or default_tzid
        return EventSpan(
            start=start_of_day(start.value, zone_name),
            end=start_of_day(end.value, zone_name),
            start_tzid=zone_name,
            end_tzid=zone_name,
            all_day=True,
            start_date=start.value,
            end_date=end.value,
        )
    if end.value <= start.value:
        raise ValidationFailed.one("end", "invalid", "end must be after start.")
    return EventSpan(
        start=start.value,
        end=end.value,
        start_tzid=start.tzid or tzid or UTC_TZID,
        end_tzid=end.tzid or tzid or UTC_TZID,
    )


def _writable_calendar(*, account: Account, calendar_id: str) -> Calendar:
    calendar = access_calendar(account=account, calendar_id=calendar_id)
    problem = calendar_write_problem(calendar)
    if problem is not None:
        raise ValidationFailed.one("calendar_id", "invalid", problem)
    calendar.account = account  # the same row: spares the write path a query for it
    return calendar


def _event_values(
    *, span: EventSpan, summary: str, description: str, location: dict | None, **fields: Any
) -> dict[str, Any]:
    location = location or {}
    return {
        **vars(span),  # a shallow copy: asdict deep-copies every datetime (slow in bulk)
        "summary": summary,
        "description": description,
        "location_description": location.get("description") or "",
        "location_lat": location.get("lat") or "",
        "location_long": location.get("long") or "",
        **fields,
    }


def _event_create(*, calendar: Calendar, key: dict, values: dict, now: dt.datetime) -> Event | None:
    """The new event, or None when a concurrent write created it first."""
    try:
        with transaction.atomic():
            event = Event.new(calendar=calendar, now=now, **key, **values)
            event.save(force_insert=True)
            return event
    except IntegrityError:
        if not Event.objects.filter(calendar=calendar, **key).exists():
            raise
        return None


def _event_merge(event: Event, values: dict, now: dt.datetime) -> bool:
    """Set `values` on `event` without saving it: revived, its ever-hull grown, stamped `now`.
    False, touching nothing, when nothing changes (a live event that already has them). The one
    rule of an update, for the single write here and the bulk import (event_imports.py)."""
    if not event.deleted and all(getattr(event, k) == v for k, v in values.items()):
        return False
    for key, value in values.items():
        setattr(event, key, value)
    event.deleted = False
    event.ever_start = min(event.ever_start, values["start"])
    event.ever_end = max(event.ever_end, values["end"])
    event.updated_at = now
    return True


def _event_apply(event: Event, values: dict, now: dt.datetime) -> bool:
    """Write `values` (reviving a deleted event); False, writing nothing, if nothing changes."""
    if not _event_merge(event, values, now):
        return False
    event.save()
    return True


def _event_key(
    application: Application | None, event_id: str | None, external_id: str | None
) -> dict[str, Any]:
    """How a write finds its event in a calendar: a managing application's event_id, or the id
    of the external calendar it was synced from."""
    if (application is None) != (event_id is None) or (event_id is None) == (external_id is None):
        raise ValueError("give application with event_id, or external_id")
    if external_id is not None:
        return {"application": None, "event_id": None, "external_id": external_id}
    return {"application": application, "event_id": event_id}


def _event_put(
    *, calendar: Calendar, key: dict, values: dict, origin: ChangeOrigin, now: dt.datetime
) -> Event:
    """Lock the keyed event, then create or update it; signal a change after commit."""
    locked = Event.objects.select_for_update().filter(calendar=calendar, **key)
    event = locked.first()
    if event is None:
        created = _event_create(calendar=calendar, key=key, values=values, now=now)
        if created is not None:
            _changed(calendar, origin, key["application"], now)
            return created
        event = locked.get()  # a concurrent write created it: update that one instead
    if _event_apply(event, values, now):
        _changed(calendar, origin, key["application"], now)
    return event


@transaction.atomic
def calendar_event_write(
    *,
    calendar: Calendar,
    origin: ChangeOrigin,
    summary: str,
    start: TimeValue,
    end: TimeValue,
    application: Application | None = None,
    event_id: str | None = None,
    external_id: str | None = None,
    tzid: str | None = None,
    description: str = "",
    location: dict | None = None,
    transparency: str = Event.Transparency.OPAQUE,
    status: str = Event.Status.CONFIRMED,
    now: dt.datetime | None = None,
) -> Event:
    """The one write path for events: the API's upserts (`event_upsert`, after its checks), the
    events a booking writes for its application (`application` + `event_id`) and events synced
    from an external calendar (`external_id`). The write replaces the event (fields left out return
    to their defaults), writes nothing when nothing changes, revives a deleted event, grows the
    ever-hull, and signals the change after commit with the caller's `origin`. The caller has
    chosen and checked the calendar (sync writes into read-only provider calendars, which the API
    may not).
    """
    now = now or timezone.now()
    key = _event_key(application, event_id, external_id)
    span = event_span_resolve(
        start=start, end=end, tzid=tzid, default_tzid=calendar.account.default_tzid
    )
    values = _event_values(
        span=span,
        summary=summary,
        description=description,
        location=location,
        transparency=transparency,
        status=status,
    )
    return _event_put(calendar=calendar, key=key, values=values, origin=origin, now=now)


@transaction.atomic
def calendar_event_delete(
    *,
    calendar: Calendar,
    origin: ChangeOrigin,
    application: Application | None = None,
    event_id: str | None = None,
    external_id: str | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Soft-delete an event written by `calendar_event_write` (same key). Idempotent: an unknown
    or already deleted event is no error. Returns whether an event was deleted."""
    now = now or timezone.now()
    key = _event_key(application, event_id, external_id)
    deleted = Event.objects.filter(calendar=calendar, deleted=False, **key).update(
        deleted=True, updated_at=now
    )
    if deleted:
        _changed(calendar, origin, key["application"], now)
    return bool(deleted)


@transaction.atomic
def event_upsert(
    *,
    account: Account,
    application: Application,
    calendar_id: str,
    event_id: str,
    summary: str,
    start: TimeValue,
    end: TimeValue,
    tzid: str | None = None,
    description: str = "",
    location: dict | None = None,
    transparency: str = Event.Transparency.OPAQUE,
    status: str = Event.Status.CONFIRMED,
    now: dt.datetime | None = None,
) -> Event:
    """Create or replace `application`'s managed event `event_id` in one of the account's
    calendars. Another application's event with the same event_id is a different event.

    The request replaces the event: fields it leaves out return to their defaults. An upsert that
    changes nothing writes nothing (updated_at stays, no signal); an upsert of a deleted event
    revives it. `ever_start`/`ever_end` grow to cover every span the event has occupied.
    """
    calendar = _writable_calendar(account=account, calendar_id=calendar_id)
    return calendar_event_write(
        calendar=calendar,
        origin=ChangeOrigin.api(application.pk),
        application=application,
        event_id=event_id,
        summary=summary,
        start=start,
        end=end,
        tzid=tzid,
        description=description,
        location=location,
        transparency=transparency,
        status=status,
        now=now,
    )


@transaction.atomic
def event_delete(
    *,
    account: Account,
    application: Application,
    calendar_id: str,
    event_id: str | None = None,
    event_uid: str | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Soft-delete one event: `application`'s managed event `event_id`, or by `event_uid` an
    external event or one of `application`'s own.

    Deleting an unknown or already deleted event is not an error (deletes are idempotent), and
    another application's managed event is treated like an unknown one: left alone, no error.
    Returns whether an event was deleted.
    """
    if not event_id and not event_uid:
        raise ValidationFailed.one("event_id", "required", "Give event_id or event_uid.")
    if event_id and event_uid:
        raise ValidationFailed.one("event_uid", "invalid", "Give event_id or event_uid, not both.")
    now = now or timezone.now()
    calendar = _writable_calendar(account=account, calendar_id=calendar_id)
    if event_id:
        lookup = Q(application=application, event_id=event_id)
    else:
        lookup = Q(event_uid=event_uid) & events_changeable_by(application.pk)
    target = (
        Event.objects.select_for_update()
        .filter(lookup, calendar=calendar, deleted=False)
        .values_list("pk", "application_id")
        .first()
    )
    if target is None:
        return False
    pk, managing_application_id = target
    Event.objects.filter(pk=pk).update(deleted=True, updated_at=now)
    managed_by = application if managing_application_id is not None else None
    _changed(calendar, ChangeOrigin.api(application.pk), managed_by, now)
    return True


@transaction.atomic
def events_delete_all(
    *,
    account: Account,
    application: Application,
    calendar_ids: Iterable[str] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Soft-delete `application`'s managed events in the account's calendars, or only in the
    given calendars (which must all be the account's: otherwise a 422 naming the unknown ids and
    nothing is deleted). Other applications' events and external events stay.
    Returns how many events were deleted."""
    now = now or timezone.now()
    events = Event.objects.filter(calendar__account=account, application=application, deleted=False)
    if calendar_ids is not None:
        events = events.filter(
            calendar__in=calendars_owned(account=account, calendar_ids=calendar_ids)
        )
    # order_by(): the default ordering would otherwise take part in DISTINCT.
    affected = list(events.order_by().values_list("calendar__calendar_id", flat=True).distinct())
    deleted = events.update(deleted=True, updated_at=now)
    if deleted:
        events_changed_on_commit(
            account_id=account.pk,
            calendar_ids=affected,
            changed_at=now,
            origin=ChangeOrigin.api(application.pk),
            managed_by=application.pk,
        )
    return deleted


def _changed(
    calendar: Calendar,
    origin: ChangeOrigin,
    managed_by: Application | None,
    now: dt.datetime,
) -> None:
    events_changed_on_commit(
        account_id=calendar.account_id,
        calendar_ids=[calendar.calendar_id],
        changed_at=now,
        origin=origin,
        managed_by=managed_by.pk if managed_by is not None else None,
    )
