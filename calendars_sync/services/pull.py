"""Pulling a connection's calendars into the core: its remote calendars mirrored as core
calendars of the connection's profile, and each calendar's events imported through the core's
bulk write path (`calendar_events_import`) with the sync's origin.

Provider-agnostic: everything provider-shaped arrives as `providers.base` values.
"""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from calendars_sync.models import Connection, EventLink, SyncedCalendar
from calendars_sync.providers.base import (
    Adapter,
    Pull,
    RemoteCalendar,
    RemoteEvent,
    SyncStateExpired,
)
from scheduling.ids import new_calendar_id
from scheduling.models import Calendar, Event
from scheduling.services.event_imports import ImportedEvent, ImportResult, calendar_events_import
from scheduling.signals import ChangeOrigin
from scheduling.timeformat import TimeValue

CALENDAR_NAME_MAX = Calendar._meta.get_field("name").max_length


def sync_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The span synced events are kept for (recurrences are expanded within it)."""
    return (
        now - dt.timedelta(days=settings.SYNC_WINDOW_PAST_DAYS),
        now + dt.timedelta(days=settings.SYNC_WINDOW_FUTURE_DAYS),
    )


def _clean_name(name: str) -> str:
    return (name.strip() or "Calendar")[:CALENDAR_NAME_MAX]


def _free_name(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted (2)`, `(3)`... : live calendar names are unique in a profile, and
    two remote calendars may share one."""
    wanted = _clean_name(wanted)
    name, n = wanted, 1
    while name in taken:
        n += 1
        suffix = f" ({n})"
        name = wanted[: CALENDAR_NAME_MAX - len(suffix)] + suffix
    return name


@transaction.atomic
def synced_calendars_reconcile(
    *, connection: Connection, remote: list[RemoteCalendar], now: dt.datetime
) -> list[SyncedCalendar]:
    """Mirror the external account's calendars: a core calendar per remote one (never the
    account's primary; read-only when the provider's is; counting as busy as the connection
    says), renamed along, revived when it comes back; one that vanished is deleted (its sync
    state and push channel cleared, so a return pulls in full). Returns the live synced
    calendars."""
    stored = {s.remote_id: s for s in connection.calendars.select_related("calendar")}
    taken = set(
        Calendar.objects.filter(profile_id=connection.profile_id, deleted=False).values_list(
            "name", flat=True
        )
    )
    live = []
    for remote_calendar in remote:
        synced = stored.pop(remote_calendar.remote_id, None)
        if synced is None:
            synced = _synced_calendar_create(connection, remote_calendar, taken, now)
        else:
            _synced_calendar_refresh(connection, synced, remote_calendar, taken, now)
        live.append(synced)
    for gone in stored.values():
        if not gone.calendar.deleted:
            Calendar.objects.filter(pk=gone.calendar_id).update(deleted=True, updated_at=now)
            # Its channel, if any, is forgotten (notifications for it are refused) and expires.
            SyncedCalendar.objects.filter(pk=gone.pk).update(
                sync_state="",
                push_channel_id="",
                push_resource_id="",
                push_token_hash="",
                push_expires_at=None,
                updated_at=now,
            )
    return live


def _synced_calendar_create(
    connection: Connection, remote: RemoteCalendar, taken: set[str], now: dt.datetime
) -> SyncedCalendar:
    name = _free_name(remote.name, taken)
    taken.add(name)
    calendar = Calendar.objects.create(
        calendar_id=new_calendar_id(connection.profile.profile_id),
        account_id=connection.account_id,
        profile_id=connection.profile_id,
        name=name,
        readonly=remote.readonly,
        counts_as_busy=connection.counts_as_busy,
        created_at=now,
        updated_at=now,
    )
    return SyncedCalendar.objects.create(
        connection=connection,
        calendar=calendar,
        remote_id=remote.remote_id,
        remote_primary=remote.primary,
        created_at=now,
        updated_at=now,
    )


def _synced_calendar_refresh(
    connection: Connection,
    synced: SyncedCalendar,
    remote: RemoteCalendar,
    taken: set[str],
    now: dt.datetime,
) -> None:
    calendar = synced.calendar
    wanted = {"readonly": remote.readonly, "counts_as_busy": connection.counts_as_busy}
    if calendar.deleted or calendar.name != _clean_name(remote.name):
        if not calendar.deleted:
            taken.discard(calendar.name)
        wanted |= {"name": _free_name(remote.name, taken), "deleted": False}
        taken.add(wanted["name"])
    if any(getattr(calendar, key) != value for key, value in wanted.items()):
        for key, value in wanted.items():
            setattr(calendar, key, value)
        calendar.updated_at = now
        calendar.save(update_fields=[*wanted, "updated_at"])
    if synced.remote_primary != remote.primary:
        synced.remote_primary = remote.primary
        SyncedCalendar.objects.filter(pk=synced.pk).update(remote_primary=remote.primary)


def _imported(remote: RemoteEvent) -> ImportedEvent:
    """A remote event in the core's terms: dates make an all-day event (in its own zone, else
    the account's), a transparent event is free time."""
    return ImportedEvent(
        external_id=remote.remote_id,
        start=TimeValue(remote.start, remote.tzid),
        end=TimeValue(remote.end, remote.tzid),
        tzid=remote.tzid,
        summary=remote.summary,
        description=remote.description,
        location=remote.location,
        transparency=(
            Event.Transparency.TRANSPARENT if remote.transparent else Event.Transparency.OPAQUE
        ),
        status=remote.status if remote.status in Event.Status.values else Event.Status.CONFIRMED,
    )


def _pull(adapter: Adapter, synced: SyncedCalendar, now: dt.datetime) -> Pull:
    """The provider's changes since the stored state; an expired state (Google's 410 Gone, an
    invalid sync-token) is cleared and the calendar pulled again in full, once. A full pull also
    when the last one is SYNC_FULL_PULL_HOURS old: the window moves on, and instances of a
    recurring series that enter it are no change a sync token reports."""
    window = sync_window(now)
    full_due = synced.full_pulled_at is None or now - synced.full_pulled_at >= dt.timedelta(
        hours=settings.SYNC_FULL_PULL_HOURS
    )
    if not synced.sync_state or full_due:
        return adapter.pull(synced.remote_id, state=None, window=window)
    try:
        return adapter.pull(synced.remote_id, state=synced.sync_state, window=window)
    except SyncStateExpired:
        SyncedCalendar.objects.filter(pk=synced.pk).update(sync_state="", updated_at=now)
        synced.sync_state = ""
        return adapter.pull(synced.remote_id, state=None, window=window)


def synced_calendar_pull(
    *,
    adapter: Adapter,
    synced: SyncedCalendar,
    connection: Connection,
    now: dt.datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Pull one calendar and import what changed, storing the new sync state with the events
    (one transaction: a failed import leaves the old state, so nothing is skipped). Remote ids
    of our own write-backs (this calendar's EventLinks) are not imported: no echo, no
    duplicate; a copy imported by a pull that raced the write-back is deleted."""
    pull = _pull(adapter, synced, now)
    linked = set(
        EventLink.objects.filter(synced_calendar=synced).values_list("remote_id", flat=True)
    )
    cancelled = {e.remote_id for e in pull.events if e.status == Event.Status.CANCELLED}
    skipped = linked | cancelled
    events = [_imported(e) for e in pull.events if e.remote_id not in skipped]
    with transaction.atomic():
        result = calendar_events_import(
            calendar=synced.calendar,
            origin=ChangeOrigin.sync(connection_id=connection.connection_id),
            events=events,
            deleted_external_ids={*pull.deleted, *cancelled, *linked},
            deleted_series=pull.deleted_series,
            replaced_series=pull.replaced_series,
            full=pull.full,
            now=now,
        )
        stamps = {"last_pulled_at": now} | ({"full_pulled_at": now} if pull.full else {})
        SyncedCalendar.objects.filter(pk=synced.pk).update(
            sync_state=pull.state, updated_at=now, **stamps
        )
    synced.sync_state = pull.state
    for name, value in stamps.items():
        setattr(synced, name, value)
    if progress is not None:
        progress(len(pull.events))
    return result
