"""Workers racing for outbox rows (PostgreSQL): no row is ever sent twice."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from scheduling.models import OutgoingCallback
from scheduling.services import callbacks
from scheduling.services.callbacks import callback_deliver, callback_enqueue, callbacks_deliver_due
from tests.concurrency import needs_concurrent_writers, race

pytestmark = needs_concurrent_writers

NOW = dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC)
KIND = OutgoingCallback.Kind.CHANNEL_NOTIFICATION


@pytest.fixture(autouse=True)
def no_kicks(monkeypatch):
    """Rows stay queued at commit (no q2 task delivers them inline): the workers race for them."""
    monkeypatch.setattr(callbacks, "_kick", lambda callback_id: None)


def enqueue(app_creds, url, n: int, **options) -> OutgoingCallback | None:
    return callback_enqueue(
        application=app_creds.application,
        url=url,
        body=f'{{"n": {n}}}'.encode(),
        kind=KIND,
        now=NOW,
        **options,
    )


def test_sweeping_workers_never_send_one_row_twice(app_creds, receiver):
    for n in range(40):
        enqueue(app_creds, receiver.url, n)

    sent = race(4, lambda _: callbacks_deliver_due(now=NOW, batch=3))

    assert sum(sent) == 40
    bodies = Counter(r.body for r in receiver.received)
    assert len(bodies) == 40
    assert set(bodies.values()) == {1}
    assert set(OutgoingCallback.objects.values_list("state", "attempts")) == {("delivered", 1)}


def test_kicks_for_one_row_deliver_it_once(app_creds, receiver):
    callback = enqueue(app_creds, receiver.url, 1)

    outcomes = race(4, lambda _: callback_deliver(callback_id=callback.pk, now=NOW))

    assert Counter(outcomes) == {"delivered": 1, None: 3}
    assert len(receiver.received) == 1


def test_concurrent_changes_queue_one_waiting_callback_per_key(app_creds, receiver):
    def change(n: int):
        with transaction.atomic():
            return enqueue(app_creds, receiver.url, n, dedupe_key="channel:chn_1:change")

    queued = race(4, change)

    assert sum(callback is not None for callback in queued) == 1
    assert OutgoingCallback.objects.count() == 1


def test_the_sweep_skips_rows_another_worker_has_locked(app_creds, receiver):
    locked_row = enqueue(app_creds, receiver.url, 1)
    free_row = enqueue(app_creds, receiver.url, 2)
    holding, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with transaction.atomic():
            OutgoingCallback.objects.select_for_update().get(pk=locked_row.pk)
            holding.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    holding.wait(10)
    try:
        sent = callbacks_deliver_due(now=NOW)  # would block on the lock without SKIP LOCKED
    finally:
        release.set()
        holder.join()

    assert sent == 1
    assert [r.body for r in receiver.received] == [b'{"n": 2}']
    assert OutgoingCallback.objects.get(pk=free_row.pk).state == "delivered"
    assert OutgoingCallback.objects.get(pk=locked_row.pk).state == "pending"


@pytest.mark.parametrize("workers", [2])
def test_a_sweep_and_a_kick_racing_for_one_row_send_it_once(app_creds, receiver, workers):
    callback = enqueue(app_creds, receiver.url, 1)

    def work(n: int):
        if n == 0:
            return callbacks_deliver_due(now=NOW)
        return callback_deliver(callback_id=callback.pk, now=NOW)

    race(workers, work)

    assert len(receiver.received) == 1
    assert OutgoingCallback.objects.get(pk=callback.pk).attempts == 1
