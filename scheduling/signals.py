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
      (`updated_at`), i.e. the `last_modified` a reader should use to fetch the change;
    - `origin`: a `ChangeOrigin` saying who made the change (an application through the API, a
      booking, a sync connection), so that a consumer can skip its own writes;
    - `managed_by`: the primary key of the Application that manages the changed events, or None
      when they are external events (synced, or not created through the API). Push notification
      channels with `only_managed` use it.

    Receivers run after the response's transaction, are called robustly (an exception is logged and
    does not fail the request), and should only enqueue work (push notification channels enqueue
    notifications; calendar sync enqueues write-backs).
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

events_changed = Signal()


@dataclass(frozen=True)
class ChangeOrigin:
    """Who made a change. `kind` is one of API, BOOKING, SYNC (a consumer compares kind and
    ref with its own to recognise its writes); `application_id` is the application on whose
    behalf the change was made, when there is one; `ref` names the booking or sync connection."""

    API = "api"
    BOOKING = "booking"
    SYNC = "sync"

    kind: str
    application_id: int | None = None
    ref: str = ""

    @classmethod
    def api(cls, application_id: int) -> "ChangeOrigin":
        return cls(cls.API, application_id)

    @classmethod
    def booking(cls, *, application_id: int, booking_id: str) -> "ChangeOrigin":
        return cls(cls.BOOKING, application_id, booking_id)

    @classmethod
    def sync(cls, *, connection_id: str) -> "ChangeOrigin":
        return cls(cls.SYNC, None, connection_id)


def events_changed_on_commit(
    *,
    account_id: int,
    calendar_ids: Iterable[str],
    changed_at: dt.datetime,
    origin: ChangeOrigin,
    managed_by: int | None,
) -> None:
    """Send `events_changed` once the current transaction commits."""
    ids = sorted(set(calendar_ids))

    def send() -> None:
        results = events_changed.send_robust(
            sender=None,
            account_id=account_id,
            calendar_ids=ids,
            changed_at=changed_at,
            origin=origin,
            managed_by=managed_by,
        )
        for receiver, result in results:
            if isinstance(result, Exception):
                logger.error("events_changed receiver %r failed", receiver, exc_info=result)

    transaction.on_commit(send)
