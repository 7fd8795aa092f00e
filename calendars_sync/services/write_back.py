"""Write-back: events an application writes for a connected account (through the API, or a
booking) copied into the external calendar, and followed there when they change or go.

- Managed events of the account's local calendars (profile `cronofy`) go to the primary calendar
  of the account's write-back connection (the oldest active one with `write_back`; ICS feeds
  never write); managed events the API writes into a synced calendar go to that calendar's
  remote calendar. Read-only synced calendars receive nothing.
- Each copy is an EventLink (remote id, and the event's `updated_at` when written): an event
  whose `updated_at` differs is written again (create, or update by the link's remote id); a
  deleted or cancelled event with a link is deleted there and its link dropped.
- A pull skips the remote ids of its calendar's links, so a written-back event never comes back
  as a second, external event; and the sync's own writes (origin SYNC) never trigger this.
- A provider failure keeps the links of the events already written, leaves the failed event's
  link unchanged and re-raises: q2 runs the task again, and the next change retries too.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from calendars_sync.models import Connection, EventLink, Provider, SyncedCalendar
from calendars_sync.providers import adapter_for
from calendars_sync.providers.base import Adapter, GrantBroken, OutgoingEvent
from calendars_sync.services.connections import connection_credentials, connection_mark_broken
from scheduling.models import Calendar, Event

logger = logging.getLogger(__name__)

LOCAL_PROFILE_PROVIDER = "cronofy"


def write_back_connection(account_id: int) -> Connection | None:
    """The connection an account's events are written back through, if any."""
    return (
        Connection.objects.filter(
            account_id=account_id, state=Connection.State.ACTIVE, write_back=True
        )
        .exclude(provider=Provider.ICS)
        .order_by("created_at", "id")
        .first()
    )


def write_back_enqueue(*, account_id: int, calendar_ids: list[str]) -> bool:
    """Queue a write-back of these calendars when the account writes back (events_changed's
    receiver, already after commit)."""
    if write_back_connection(account_id) is None:
        return False
    async_task("calendars_sync.tasks.events_write_back", account_id, list(calendar_ids))
    return True


def _targets(connection: Connection, calendar_ids: list[str]) -> dict[int, SyncedCalendar]:
    """Core calendar pk -> the synced calendar its managed events are written to."""
    synced = list(
        SyncedCalendar.objects.filter(
            connection=connection, calendar__deleted=False, calendar__readonly=False
        ).select_related("calendar")
    )
    primary = next((s for s in synced if s.remote_primary), None)
    by_calendar = {s.calendar_id: s for s in synced}
    targets = {}
    calendars = Calendar.objects.filter(
        account_id=connection.account_id, calendar_id__in=calendar_ids
    ).values_list("pk", "profile__provider_name")
    for pk, provider_name in calendars:
        if pk in by_calendar:
            targets[pk] = by_calendar[pk]
        elif provider_name == LOCAL_PROFILE_PROVIDER and primary is not None:
            targets[pk] = primary
    return targets


def _outgoing(event: Event) -> OutgoingEvent:
    return OutgoingEvent(
        summary=event.summary,
        start=event.start_date if event.all_day else event.start,
        end=event.end_date if event.all_day else event.end,
        description=event.description,
        location=event.location_description,
        tzid=event.start_tzid,
        transparent=event.transparency == Event.Transparency.TRANSPARENT,
        uid=event.event_uid,
    )


@dataclass
class _Changes:
    """Link changes made so far, saved in bulk whatever happens next."""

    created: list[EventLink] = field(default_factory=list)
    updated: list[EventLink] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)

    def save(self) -> None:
        EventLink.objects.bulk_create(self.created, batch_size=500)
        EventLink.objects.bulk_update(self.updated, ["remote_id", "written_version", "updated_at"])
        EventLink.objects.filter(pk__in=self.dropped).delete()

    @property
    def count(self) -> int:
        return len(self.created) + len(self.updated) + len(self.dropped)


def _write(
    adapter: Adapter,
    event: Event,
    target: SyncedCalendar,
    link: EventLink | None,
    changes: _Changes,
    now: dt.datetime,
) -> None:
    gone = event.deleted or event.status == Event.Status.CANCELLED
    if gone:
        if link is not None:
            adapter.event_delete(target.remote_id, link.remote_id)
            changes.dropped.append(link.pk)
        return
    if link is not None and link.written_version == event.updated_at and link.remote_id:
        return
    remote_id = adapter.event_put(
        target.remote_id, _outgoing(event), remote_id=(link.remote_id or None) if link else None
    )
    if link is None:
        changes.created.append(
            EventLink(
                synced_calendar=target,
                event=event,
                remote_id=remote_id,
                written_version=event.updated_at,
                created_at=now,
                updated_at=now,
            )
        )
    else:
        link.remote_id, link.written_version, link.updated_at = remote_id, event.updated_at, now
        changes.updated.append(link)


def events_write_back(
    *, account_id: int, calendar_ids: list[str], now: dt.datetime | None = None
) -> int:
    """Bring the external copies of the managed events in these calendars up to date. One
    write-back per connection at a time (its row is locked), so two never create one event
    twice. Returns how many links were created, updated or dropped."""
    now = now or timezone.now()
    connection = write_back_connection(account_id)
    if connection is None:
        return 0
    failure: Exception | None = None
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection.pk)
        targets = _targets(connection, calendar_ids)
        if not targets:
            return 0
        changes = _Changes()
        try:
            _write_all(connection, targets, changes, now)
        except Exception as exc:  # keep what was written, then let q2 see the failure
            failure = exc
        changes.save()
    if isinstance(failure, GrantBroken):
        connection_mark_broken(connection=connection, reason=f"GrantBroken: {failure}", now=now)
    if failure is not None:
        raise failure
    return changes.count


def _write_all(
    connection: Connection,
    targets: dict[int, SyncedCalendar],
    changes: _Changes,
    now: dt.datetime,
) -> None:
    links = {
        (link.synced_calendar_id, link.event_id): link
        for link in EventLink.objects.filter(synced_calendar__in={t.pk for t in targets.values()})
    }
    linked_events = {event_id for _, event_id in links}
    events = Event.objects.filter(calendar_id__in=targets, application__isnull=False).filter(
        Q(deleted=False) | Q(pk__in=linked_events)
    )
    adapter = None
    for event in events.order_by("pk"):
        target = targets[event.calendar_id]
        link = links.get((target.pk, event.pk))
        if link is not None and link.written_version == event.updated_at and not event.deleted:
            continue
        if link is None and (event.deleted or event.status == Event.Status.CANCELLED):
            continue
        if adapter is None:
            adapter = adapter_for(connection.provider, connection_credentials(connection, now=now))
        _write(adapter, event, target, link, changes, now)
