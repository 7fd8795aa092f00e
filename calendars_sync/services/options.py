"""A connection's two options an admin may change: whether local events are written back, and
whether its calendars count as busy time."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from calendars_sync.models import Connection
from scheduling.models import Calendar


@transaction.atomic
def connection_options_set(
    *,
    connection: Connection,
    write_back: bool,
    counts_as_busy: bool,
    now: dt.datetime | None = None,
) -> Connection:
    """Store the options; `counts_as_busy` reaches the connection's core calendars at once (the
    next sync would copy it too), so availability changes without waiting for a pull."""
    now = now or timezone.now()
    Connection.objects.filter(pk=connection.pk).update(
        write_back=write_back, counts_as_busy=counts_as_busy, updated_at=now
    )
    Calendar.objects.filter(synced__connection=connection).exclude(
        counts_as_busy=counts_as_busy
    ).update(counts_as_busy=counts_as_busy, updated_at=now)
    connection.write_back, connection.counts_as_busy = write_back, counts_as_busy
    return connection
