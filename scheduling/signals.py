"""The core's documented hooks. They tell other apps that something changed; they never carry a
business flow (a booking does not continue in a receiver).

`events_changed`
    Sent after the transaction that created, changed or deleted events has committed (never for an
    upsert that changed nothing, never for a rolled-back write). `sender` is None. Keyword
    arguments:

    - `account_id`: the primary key of the Account whose events changed (`Account.pk`);
    - `calendar_ids`: sorted list of the public ids (`cal_...`) of the calendars whose events
      changed;
    - `changed_at`: the aware UTC datetime the services stamped on the changed events
      (`updated_at`), i.e. the `last_modified` a reader should use to fetch the change.

    Receivers run after the response's transaction, are called robustly (an exception is logged and
    does not fail the request), and should only enqueue work (calendars_sync enqueues channel
    notifications).
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

events_changed = Signal()


def events_changed_on_commit(
    *, account_id: int, calendar_ids: Iterable[str], changed_at: dt.datetime
) -> None:
    """Send `events_changed` once the current transaction commits."""
    ids = sorted(set(calendar_ids))

    def send() -> None:
        results = events_changed.send_robust(
            sender=None, account_id=account_id, calendar_ids=ids, changed_at=changed_at
        )
        for receiver, result in results:
            if isinstance(result, Exception):
                logger.error("events_changed receiver %r failed", receiver, exc_info=result)

    transaction.on_commit(send)
