"""Sync: a connection's calendars pulled into the core, on a schedule, on a push, or on demand.

`connection_sync` is the one pull of a whole connection (the q2 task queued when a connection is
activated, by the poll schedule and by the admin's and sync_now's "sync now"); the provider's
adapter does the talking, `pull.py` the storing, `push.py` the channels. What a provider says
goes wrong decides what follows:

- SyncStateExpired (Google's 410 Gone, ...): the calendar is pulled again in full, once, and the
  full pull's import deletes what is gone: nothing is duplicated.
- GrantBroken: the connection is marked broken (the admin lists it) until the account
  reconnects; reconnecting reuses the connection, its calendars and events.
- RateLimited (429/5xx) and ProviderRefused: back off. `retry_after` = now + the longer of the
  provider's Retry-After and 30 s * 2^(failures so far), capped at an hour; no pull runs before
  it, and the poll schedule picks the connection up again then.

Errors are stored and reported without the connection's secrets (scrubbed from the message in
case a provider echoed one).
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from calendars_sync.models import Connection, SyncedCalendar
from calendars_sync.providers import adapter_for
from calendars_sync.providers.base import Adapter, GrantBroken, RateLimited, SyncError
from calendars_sync.services.connections import (
    connection_credentials,
    connection_mark_broken,
    connection_mark_disconnected,
    connection_secrets,
)
from calendars_sync.services.pull import synced_calendar_pull, synced_calendars_reconcile
from calendars_sync.services.push import (
    push_channel_of,
    push_channel_renew,
    push_channels_due,
    push_clear,
    push_ensure,
    push_stop_quietly,
)
from scheduling.services.event_imports import ImportResult

logger = logging.getLogger(__name__)

BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=1)
ERROR_MAX = 500


@dataclass
class SyncReport:
    """What one sync did: `ran` False with the `reason` it did not; `error` when it failed."""

    connection_id: str
    ran: bool = False
    reason: str = ""
    calendars: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    error: str = ""

    def add(self, result: ImportResult) -> None:
        self.calendars += 1
        self.created += result.created
        self.updated += result.updated
        self.deleted += result.deleted


def backoff_delay(failures: int, retry_after: float | None = None) -> dt.timedelta:
    """How long to wait after the `failures`-th failure in a row (1 for the first)."""
    exponential = min(BACKOFF_BASE * 2 ** max(failures - 1, 0), BACKOFF_MAX)
    return max(exponential, dt.timedelta(seconds=retry_after or 0))


def _refusal(connection: Connection, now: dt.datetime) -> str:
    if connection.state != Connection.State.ACTIVE:
        return f"the connection is {connection.state}"
    if connection.retry_after is not None and connection.retry_after > now:
        return f"backing off until {connection.retry_after.isoformat()}"
    return ""


def _message(connection: Connection, exc: Exception) -> str:
    """The error as stored and reported: its kind and text, minus anything secret."""
    text = f"{type(exc).__name__}: {exc}"
    secrets = connection_secrets(connection) if connection.secrets_encrypted else {}
    for value in secrets.values():
        if isinstance(value, str) and len(value) >= 4:
            text = text.replace(value, "[secret]")
    return text[:ERROR_MAX]


def _back_off(connection: Connection, error: str, now: dt.datetime, retry_after=None) -> None:
    failures = connection.failures + 1
    until = now + backoff_delay(failures, retry_after)
    Connection.objects.filter(pk=connection.pk).update(
        failures=failures, retry_after=until, next_poll_at=until, last_error=error, updated_at=now
    )
    connection.failures, connection.retry_after, connection.last_error = failures, until, error
    logger.info("sync of %s backs off until %s: %s", connection.connection_id, until, error)


def _guarded(
    connection: Connection, now: dt.datetime, work: Callable[[Adapter, SyncReport], None]
) -> SyncReport:
    """Run `work` with the connection's adapter, turning the provider's errors into the
    connection's state (broken, backing off) and the report's error."""
    report = SyncReport(connection_id=connection.connection_id)
    connection.refresh_from_db()
    report.reason = _refusal(connection, now)
    if report.reason:
        return report
    report.ran = True
    try:
        work(adapter_for(connection.provider, connection_credentials(connection, now=now)), report)
    except GrantBroken as exc:
        report.error = _message(connection, exc)
        connection_mark_broken(connection=connection, reason=report.error, now=now)
    except RateLimited as exc:
        report.error = _message(connection, exc)
        _back_off(connection, report.error, now, exc.retry_after)
    except SyncError as exc:  # ProviderRefused, a state expired twice, ...
        report.error = _message(connection, exc)
        _back_off(connection, report.error, now)
    except Exception as exc:  # an adapter's bug must not stop the other connections' syncs
        logger.exception("sync of %s failed unexpectedly", connection.connection_id)
        # Only the type: an unexpected error's text may carry a URL with credentials.
        report.error = f"unexpected error ({type(exc).__name__})"
        _back_off(connection, report.error, now)
    return report


def connection_sync(
    *,
    connection: Connection,
    now: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> SyncReport:
    """Pull every calendar of an active connection: mirror its calendars, import each one's
    changes, start push channels where missing. A no-op (with the reason) for a connection
    that is not active or is backing off. `progress` hears the number of events of each pull."""
    now = now or timezone.now()

    def work(adapter: Adapter, report: SyncReport) -> None:
        remote = adapter.calendars()
        for synced in synced_calendars_reconcile(connection=connection, remote=remote, now=now):
            report.add(
                synced_calendar_pull(
                    adapter=adapter,
                    synced=synced,
                    connection=connection,
                    now=now,
                    progress=progress,
                )
            )
            push_ensure(adapter=adapter, synced=synced, connection=connection, now=now)
        Connection.objects.filter(pk=connection.pk).update(
            last_sync_at=now,
            failures=0,
            last_error="",
            retry_after=None,
            next_poll_at=now + dt.timedelta(minutes=settings.SYNC_POLL_MINUTES),
            updated_at=now,
        )

    return _guarded(connection, now, work)


def synced_calendar_sync(
    *, synced_calendar: SyncedCalendar, now: dt.datetime | None = None
) -> SyncReport:
    """Pull one calendar (a push said it changed), under the connection's state and backoff."""
    now = now or timezone.now()
    connection = synced_calendar.connection

    def work(adapter: Adapter, report: SyncReport) -> None:
        synced = SyncedCalendar.objects.select_related("calendar").get(pk=synced_calendar.pk)
        if synced.calendar.deleted:
            return
        report.add(
            synced_calendar_pull(adapter=adapter, synced=synced, connection=connection, now=now)
        )
        Connection.objects.filter(pk=connection.pk).update(
            failures=0, last_error="", retry_after=None, updated_at=now
        )

    return _guarded(connection, now, work)


def connections_poll_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Queue a sync of every active connection whose poll is due and that is not backing off.
    Each is claimed by a conditional UPDATE of its next_poll_at, so two workers running the
    schedule at once never both queue one connection. Returns how many were queued."""
    now = now or timezone.now()
    due = (
        Connection.objects.filter(state=Connection.State.ACTIVE)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))
        .order_by("next_poll_at", "id")
        .values_list("pk", "next_poll_at")[:limit]
    )
    claimed_until = now + dt.timedelta(minutes=settings.SYNC_POLL_MINUTES)
    queued = 0
    for pk, next_poll_at in list(due):
        claim = Connection.objects.filter(pk=pk, next_poll_at=next_poll_at)
        if next_poll_at is None:
            claim = Connection.objects.filter(pk=pk, next_poll_at__isnull=True)
        if claim.update(next_poll_at=claimed_until):
            async_task("calendars_sync.tasks.connection_sync", pk)
            queued += 1
    return queued


def push_channels_renew(*, now: dt.datetime | None = None) -> int:
    """Renew every push channel expiring within a day (the hourly schedule). A connection whose
    grant broke is marked so; other failures leave the channel to expire (polling covers it)
    and are retried at the next run. Returns how many channels were renewed."""
    now = now or timezone.now()
    renewed = 0
    for synced in push_channels_due(now):
        connection = synced.connection
        try:
            adapter = adapter_for(connection.provider, connection_credentials(connection, now=now))
            renewed += push_channel_renew(
                adapter=adapter, synced=synced, connection=connection, now=now
            )
        except GrantBroken as exc:
            connection_mark_broken(connection=connection, reason=_message(connection, exc), now=now)
        except SyncError as exc:
            logger.info("renewing push of %s failed: %s", synced.calendar_id, type(exc).__name__)
    return renewed


def connection_disconnect(*, connection: Connection, now: dt.datetime | None = None) -> None:
    """Stop syncing: stop the push channels (the provider's errors ignored: they expire), wipe
    the credentials, mark the connection disconnected and its profile not connected.

    Its calendars and their events stay, as Cronofy keeps a disconnected profile's calendars:
    the account's busy time does not vanish behind its back, and reconnecting the same external
    account (connection_activate) resumes the same calendars without duplicating an event.
    Deleting the account (or its calendars) removes them."""
    now = now or timezone.now()
    connection.refresh_from_db()
    channels = [c for c in map(push_channel_of, connection.calendars.all()) if c is not None]
    if channels and connection.state == Connection.State.ACTIVE:
        try:
            adapter = adapter_for(connection.provider, connection_credentials(connection, now=now))
        except SyncError:
            adapter = None
        for channel in channels if adapter is not None else ():
            push_stop_quietly(adapter, channel)
    with transaction.atomic():
        push_clear(connection=connection, now=now)
        connection_mark_disconnected(connection=connection, now=now)
    connection.refresh_from_db()
