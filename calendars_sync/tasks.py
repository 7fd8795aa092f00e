"""django-q2 entry points of calendar sync. Each takes primary keys, reloads, calls one service.

Scheduled (migration 0002): `connections_poll_due` every minute, `push_channels_renew` every hour.
Queued after commit: `connection_sync` (connection_activate, the poll, the admin's "Sync now"),
`synced_calendar_sync` (a push notification), `events_write_back` (events_changed).
"""

from calendars_sync.models import Connection, SyncedCalendar
from calendars_sync.services import sync, write_back


def connection_sync(connection_pk: int) -> str:
    connection = Connection.objects.filter(pk=connection_pk).first()
    if connection is None:
        return "gone"
    report = sync.connection_sync(connection=connection)
    return report.error or report.reason or f"{report.calendars} calendar(s)"


def synced_calendar_sync(synced_calendar_pk: int) -> str:
    synced = SyncedCalendar.objects.select_related("connection").filter(pk=synced_calendar_pk)
    synced_calendar = synced.first()
    if synced_calendar is None:
        return "gone"
    report = sync.synced_calendar_sync(synced_calendar=synced_calendar)
    return report.error or report.reason or "pulled"


def connections_poll_due() -> int:
    return sync.connections_poll_due()


def push_channels_renew() -> int:
    return sync.push_channels_renew()


def events_write_back(account_id: int, calendar_ids: list[str]) -> int:
    """Raises on a provider failure, so that q2 records it and the next change retries."""
    return write_back.events_write_back(account_id=account_id, calendar_ids=calendar_ids)
