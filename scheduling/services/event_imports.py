"""The bulk write path for a sync's pull: `calendar_events_import` upserts and deletes an external
calendar's events by their external ids, with the single write's semantics (services/events.py:
`calendar_event_write`) in a number of queries that does not grow with the number of events. It
takes the single write's pieces from there (the stored values, the update rule `_event_merge`,
the signal), so that the two cannot drift apart.
"""

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from scheduling.errors import ValidationFailed
from scheduling.models import Calendar, Event
from scheduling.services.events import (
    EventSpan,
    _changed,
    _event_merge,
    _event_values,
    event_span_resolve,
)
from scheduling.signals import ChangeOrigin
from scheduling.timeformat import TimeValue


@dataclass(frozen=True)
class ImportedEvent:
    """One event of an external calendar as a sync hands it to `calendar_events_import`: keyed
    by the source's id, its span as Times/Dates (`start`/`end`, resolved like an upsert's, all-day
    events in `tzid` else the account's zone) or already resolved (`span`)."""

    external_id: str
    start: TimeValue | None = None
    end: TimeValue | None = None
    tzid: str | None = None
    span: EventSpan | None = None
    summary: str = ""
    description: str = ""
    location: str = ""
    transparency: str = Event.Transparency.OPAQUE
    status: str = Event.Status.CONFIRMED


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0  # events that cannot be stored (end not after start, an over-long id)


_IMPORT_BATCH = 500
# How a recurring instance's external id extends its series' id ("series#instance"), the
# convention of calendars_sync.providers.base.RemoteEvent.
SERIES_SEPARATOR = "#"
_EXTERNAL_ID_MAX = Event._meta.get_field("external_id").max_length
_TEXT_MAX = Event._meta.get_field("summary").max_length


def _imported_values(item: ImportedEvent, default_tzid: str) -> dict[str, Any] | None:
    """The stored values of an imported event, or None when it cannot be stored."""
    if not item.external_id or len(item.external_id) > _EXTERNAL_ID_MAX:
        return None
    span = item.span
    if span is None:
        if item.start is None or item.end is None:
            return None
        try:
            span = event_span_resolve(
                start=item.start, end=item.end, tzid=item.tzid, default_tzid=default_tzid
            )
        except ValidationFailed:
            return None
    if span.end <= span.start:
        return None
    return _event_values(
        span=span,
        summary=item.summary[:_TEXT_MAX],
        description=item.description,
        location={"description": item.location[:_TEXT_MAX]},
        transparency=item.transparency,
        status=item.status,
    )


def _in_series(external_id: str, series: Collection[str]) -> bool:
    """Whether `external_id` is one of `series` or an instance (`s#instance`) of one."""
    if external_id in series:
        return True
    cut = external_id.find(SERIES_SEPARATOR)
    while cut > 0:
        if external_id[:cut] in series:
            return True
        cut = external_id.find(SERIES_SEPARATOR, cut + 1)
    return False


def _import_gone(
    stored: dict[str, Event],
    incoming: Collection[str],
    *,
    deleted_ids: Collection[str],
    deleted_series: Collection[str],
    replaced_series: Collection[str],
    full: bool,
) -> list[int]:
    """The pks of live stored events that the import removes (an id it also upserts stays)."""
    gone = []
    for external_id, event in stored.items():
        if event.deleted or external_id in incoming:
            continue
        if (
            full
            or external_id in deleted_ids
            or _in_series(external_id, deleted_series)
            or _in_series(external_id, replaced_series)
        ):
            gone.append(event.pk)
    return gone


@transaction.atomic
def calendar_events_import(
    *,
    calendar: Calendar,
    origin: ChangeOrigin,
    events: Sequence[ImportedEvent],
    deleted_external_ids: Collection[str] = (),
    deleted_series: Collection[str] = (),
    replaced_series: Collection[str] = (),
    full: bool = False,
    now: dt.datetime | None = None,
) -> ImportResult:
    """The bulk form of `calendar_event_write` for a sync's pull: upsert `events` by external id,
    soft-delete the ids, series (`s` and every `s#instance`) and missing instances of replaced
    series the source says are gone, and with `full` every stored external event `events` lacks.

    Same semantics as the single write (a revived event, the growing ever-hull, nothing written
    and no signal when nothing changed), ONE `events_changed` otherwise, and a number of queries
    that does not depend on the number of events (batched inserts and updates). An id that is
    both upserted and deleted stays: the upsert is the newer word. The calendar row is locked so
    that two pulls of one calendar cannot insert the same event twice.
    """
    now = now or timezone.now()
    Calendar.objects.select_for_update().filter(pk=calendar.pk).values_list("pk").first()
    stored = {
        event.external_id: event
        for event in Event.objects.filter(calendar=calendar, external_id__isnull=False).order_by()
    }
    default_tzid = calendar.account.default_tzid
    incoming: dict[str, dict[str, Any]] = {}
    skipped = 0
    for item in events:
        values = _imported_values(item, default_tzid)
        if values is None:
            skipped += 1
        else:
            incoming[item.external_id] = values  # a repeated id: the later one wins
    created, updated = _import_upserts(calendar, stored, incoming, now)
    gone = _import_gone(
        stored,
        incoming,
        deleted_ids=set(deleted_external_ids),
        deleted_series=set(deleted_series),
        replaced_series=set(replaced_series),
        full=full,
    )
    for start in range(0, len(gone), _IMPORT_BATCH):
        Event.objects.filter(pk__in=gone[start : start + _IMPORT_BATCH]).update(
            deleted=True, updated_at=now
        )
    if created or updated or gone:
        _changed(calendar, origin, None, now)
    return ImportResult(created=created, updated=updated, deleted=len(gone), skipped=skipped)


_IMPORT_FIELDS = [
    *(f.name for f in dataclasses.fields(EventSpan)),
    "summary",
    "description",
    "location_description",
    "location_lat",
    "location_long",
    "transparency",
    "status",
    "deleted",
    "ever_start",
    "ever_end",
    "updated_at",
]


def _import_upserts(
    calendar: Calendar, stored: dict[str, Event], incoming: dict[str, dict], now: dt.datetime
) -> tuple[int, int]:
    """Insert the new events and update the changed ones in batches; (created, updated)."""
    new, changed = [], []
    for external_id, values in incoming.items():
        event = stored.get(external_id)
        if event is None:
            new.append(Event.new(calendar=calendar, now=now, external_id=external_id, **values))
            continue
        if _event_merge(event, values, now):
            changed.append(event)
    Event.objects.bulk_create(new, batch_size=_IMPORT_BATCH)
    Event.objects.bulk_update(changed, _IMPORT_FIELDS, batch_size=_IMPORT_BATCH)
    return len(new), len(changed)
