"""The outbox, driven with an injected `now` against a real receiver on 127.0.0.1."""

import datetime as dt
import json
import time

import pytest
from django.db import transaction

from scheduling import callback_retries
from scheduling.errors import ValidationFailed
from scheduling.models import CallbackAttempt, OutgoingCallback
from scheduling.services import callbacks
from scheduling.services.applications import application_secret_add, application_secret_revoke
from scheduling.services.callbacks import (
    callback_deliver,
    callback_enqueue,
    callbacks_deliver_due,
)

NOW = dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
BODY = json.dumps({"notification": {"type": "change"}, "who": "Zoë"}, ensure_ascii=False).encode()
KIND = OutgoingCallback.Kind.CHANNEL_NOTIFICATION
State = OutgoingCallback.State


def enqueue(app_creds, url, *, now=NOW, **options):
    return callback_enqueue(
        application=app_creds.application, url=url, body=BODY, kind=KIND, now=now, **options
    )


def reloaded(callback: OutgoingCallback) -> OutgoingCallback:
    callback.refresh_from_db()
    return callback


def attempts(callback: OutgoingCallback) -> list[CallbackAttempt]:
    return list(callback.attempt_log.order_by("id"))


@pytest.mark.django_db
def test_enqueue_writes_a_pending_row_and_sends_nothing_before_commit(
    app_creds, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as kicks:
        callback = enqueue(app_creds, receiver.url)
    assert len(kicks) == 1
    row = reloaded(callback)
    assert (row.state, row.attempts, row.next_attempt_at) == (State.PENDING, 0, NOW)
    assert (row.created_at, row.updated_at) == (NOW, NOW)
    assert bytes(row.body) == BODY
    assert receiver.received == []


@pytest.mark.django_db(transaction=True)
def test_commit_kicks_delivery_through_q2(app_creds, receiver):
    with transaction.atomic():
        callback = enqueue(app_creds, receiver.url)
        assert receiver.received == []
    # Q_CLUSTER sync=True in test settings: the task ran at commit, in this process.
    assert reloaded(callback).state == State.DELIVERED
    assert [r.body for r in receiver.received] == [BODY]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_queued_or_sent_for_a_rolled_back_transaction(app_creds, receiver):
    def change_that_fails():
        with transaction.atomic():
            enqueue(app_creds, receiver.url)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not OutgoingCallback.objects.exists()
    assert callbacks_deliver_due(now=NOW + dt.timedelta(days=2)) == 0
    assert receiver.received == []


@pytest.mark.django_db
def test_delivery_posts_the_exact_bytes_signed_as_json(app_creds, receiver):
    callback = enqueue(app_creds, receiver.url)
    assert callback_deliver(callback_id=callback.pk, now=NOW) == "delivered"
    [received] = receiver.received
    assert received.body == BODY
    assert received.headers["Content-Type"] == "application/json; charset=utf-8"
    assert received.headers["User-Agent"].startswith("SchedulingPlatform-Callbacks/")
    assert received.signed_with(app_creds.client_secret)
    row = reloaded(callback)
    assert (row.state, row.delivered_at, row.next_attempt_at, row.attempts) == (
        State.DELIVERED,
        NOW,
        None,
        1,
    )
    [attempt] = attempts(row)
    assert (attempt.status_code, attempt.error, attempt.outcome) == (200, "", "delivered")
    assert attempt.started_at == NOW
    assert attempt.duration_ms >= 0


@pytest.mark.django_db
def test_signatures_follow_a_secret_rotation(app_creds, receiver):
    application = app_creds.application
    old_secret = app_creds.client_secret
    new_secret = application_secret_add(application=application)

    during = enqueue(app_creds, receiver.url)
    callback_deliver(callback_id=during.pk, now=NOW)
    application_secret_revoke(secret=application.secrets.order_by("created_at", "id")[0])
    after = enqueue(app_creds, receiver.url)
    callback_deliver(callback_id=after.pk, now=NOW)

    rotating, rotated = receiver.received
    assert rotating.signature.count(",") == 1
    assert rotating.signed_with(old_secret)
    assert rotating.signed_with(new_secret)
    assert "," not in rotated.signature
    assert rotated.signed_with(new_secret)
    assert not rotated.signed_with(old_secret)


@pytest.mark.django_db
def test_receiver_down_then_up_gets_the_callback_exactly_once(app_creds, receiver):
    callback = enqueue(app_creds, receiver.url)
    receiver.stop()
    now = NOW
    assert callback_deliver(callback_id=callback.pk, now=now) == "retry"
    for _ in range(3):
        row = reloaded(callback)
        assert callbacks_deliver_due(now=row.next_attempt_at - SECOND) == 0  # not due yet
        now = row.next_attempt_at
        assert callbacks_deliver_due(now=now) == 1
    receiver.start()
    assert callbacks_deliver_due(now=reloaded(callback).next_attempt_at) == 1
    for later in (1, 60, 60 * 60 * 24):
        assert callbacks_deliver_due(now=now + dt.timedelta(minutes=later)) == 0
    assert callback_deliver(callback_id=callback.pk, now=now + dt.timedelta(days=2)) is None

    assert [r.body for r in receiver.received] == [BODY]
    row = reloaded(callback)
    assert (row.state, row.attempts) == (State.DELIVERED, 5)
    log = attempts(row)
    assert [a.outcome for a in log] == ["retry"] * 4 + ["delivered"]
    assert all("cannot connect" in a.error and a.status_code is None for a in log[:4])
    assert [a.number for a in log] == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_retries_back_off_with_jitter(app_creds, receiver):
    receiver.status = 503
    callback = enqueue(app_creds, receiver.url)
    callback_deliver(callback_id=callback.pk, now=NOW)
    first_wait = reloaded(callback).next_attempt_at - NOW
    assert 27 * SECOND <= first_wait <= 33 * SECOND
    callbacks_deliver_due(now=NOW + first_wait)
    second_wait = reloaded(callback).next_attempt_at - (NOW + first_wait)
    assert 54 * SECOND <= second_wait <= 66 * SECOND


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (500, {}, "HTTP 500"),
        (404, {}, "HTTP 404"),
        (410, {}, "HTTP 410"),
        (301, {"Location": "http://127.0.0.1:9/moved"}, "redirect to http://127.0.0.1:9/moved"),
        (307, {}, "HTTP 307: redirect to ? not followed"),
    ],
)
@pytest.mark.django_db
def test_any_answer_but_2xx_is_retried(app_creds, receiver, status, headers, error):
    receiver.status, receiver.response_headers = status, headers
    callback = enqueue(app_creds, receiver.url)
    assert callback_deliver(callback_id=callback.pk, now=NOW) == "retry"
    row = reloaded(callback)
    assert row.state == State.PENDING
    assert row.next_attempt_at > NOW
    assert error in row.last_error
    [attempt] = attempts(row)
    assert (attempt.status_code, attempt.outcome) == (status, "retry")
    assert len(receiver.received) == 1  # the redirect target was not asked


@pytest.mark.django_db
def test_a_slow_receiver_times_out_and_is_retried(app_creds, receiver, settings):
    settings.CALLBACK_READ_TIMEOUT = 0.2
    receiver.delay = 1.0
    callback = enqueue(app_creds, receiver.url)
    assert callback_deliver(callback_id=callback.pk, now=NOW) == "retry"
    assert reloaded(callback).last_error == "no response within 0.2 s"


@pytest.mark.django_db
def test_failed_after_the_last_attempt(app_creds, receiver):
    receiver.status = 500
    callback = enqueue(app_creds, receiver.url)
    callback_deliver(callback_id=callback.pk, now=NOW)
    while (row := reloaded(callback)).state == State.PENDING:
        assert callbacks_deliver_due(now=row.next_attempt_at) == 1
    assert (row.state, row.attempts, row.next_attempt_at) == (State.FAILED, 13, None)
    log = attempts(row)
    assert [a.outcome for a in log] == ["retry"] * 12 + ["failed"]
    span = log[-1].started_at - log[0].started_at
    assert 0.9 * callback_retries.total_span() <= span <= 1.1 * callback_retries.total_span()
    assert callbacks_deliver_due(now=NOW + dt.timedelta(days=30)) == 0
    assert len(receiver.received) == 13


@pytest.mark.django_db
def test_a_refused_private_address_is_a_failed_attempt_without_a_connection(
    app_creds, settings, fake_dns, no_connections
):
    settings.CALLBACK_ALLOWED_NETWORKS = []
    fake_dns.add("hooks.example.test", ["127.0.0.1"])
    fake_dns.add("localhost", ["127.0.0.1", "::1"])
    urls = [
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/hook",
        "http://localhost:8000/hook",
        "http://hooks.example.test/hook",
    ]
    for url in urls:
        callback = enqueue(app_creds, url)
        assert callback_deliver(callback_id=callback.pk, now=NOW) == "retry"
        row = reloaded(callback)
        assert "nothing was sent" in row.last_error
        assert "outside CALLBACK_ALLOWED_NETWORKS" in row.last_error
    assert no_connections == []


@pytest.mark.django_db
def test_a_host_that_does_not_resolve_is_retried(app_creds, no_connections):
    callback = enqueue(app_creds, "https://hooks.example.com/cronofy")
    assert callback_deliver(callback_id=callback.pk, now=NOW) == "retry"
    assert reloaded(callback).last_error.startswith("cannot resolve the host")
    assert no_connections == []


@pytest.mark.django_db
def test_enqueue_refuses_urls_that_are_not_http(app_creds):
    with pytest.raises(ValidationFailed) as refused:
        enqueue(app_creds, "ftp://example.test/cb")
    assert list(refused.value.errors) == ["url"]
    assert not OutgoingCallback.objects.exists()


@pytest.mark.django_db
def test_a_waiting_callback_coalesces_the_next_ones_with_its_key(app_creds, receiver):
    first = enqueue(app_creds, receiver.url, dedupe_key="channel:chn_1:change")
    assert enqueue(app_creds, receiver.url, dedupe_key="channel:chn_1:change") is None
    other = enqueue(app_creds, receiver.url, dedupe_key="channel:chn_2:change")
    assert other is not None
    assert OutgoingCallback.objects.count() == 2
    callback_deliver(callback_id=first.pk, now=NOW)
    assert reloaded(first).dedupe_key is None
    # Claimed (in flight or sent): a later change must be told in a new callback.
    assert enqueue(app_creds, receiver.url, dedupe_key="channel:chn_1:change") is not None


@pytest.mark.django_db
def test_a_cancelled_callback_no_longer_coalesces(app_creds, receiver):
    first = enqueue(app_creds, receiver.url, dedupe_key="k")
    assert callbacks.callback_cancel(callback=first, now=NOW)
    assert enqueue(app_creds, receiver.url, dedupe_key="k") is not None


@pytest.mark.django_db
def test_a_worker_that_died_loses_its_claim_when_the_lease_expires(
    app_creds, receiver, monkeypatch
):
    callback = enqueue(app_creds, receiver.url)
    real_send = callbacks._send

    def die(callback):
        raise SystemExit("worker killed mid-delivery")

    monkeypatch.setattr(callbacks, "_send", die)
    with pytest.raises(SystemExit):
        callback_deliver(callback_id=callback.pk, now=NOW)
    monkeypatch.setattr(callbacks, "_send", real_send)
    row = reloaded(callback)
    assert (row.state, row.attempts, row.claimed_until) == (State.PENDING, 1, NOW + callbacks.LEASE)

    assert callback_deliver(callback_id=callback.pk, now=NOW + dt.timedelta(minutes=1)) is None
    assert callbacks_deliver_due(now=NOW + callbacks.LEASE - SECOND) == 0
    assert receiver.received == []
    assert callbacks_deliver_due(now=NOW + callbacks.LEASE) == 1
    assert [r.body for r in receiver.received] == [BODY]
    row = reloaded(callback)
    assert (row.state, row.attempts) == (State.DELIVERED, 2)


@pytest.mark.django_db
def test_a_worker_that_died_on_the_last_attempt_leaves_the_callback_failed(
    app_creds, receiver, monkeypatch
):
    callback = enqueue(app_creds, receiver.url)
    OutgoingCallback.objects.filter(pk=callback.pk).update(
        attempts=callback_retries.MAX_ATTEMPTS - 1
    )
    monkeypatch.setattr(callbacks, "_send", lambda callback: exit("killed"))
    with pytest.raises(SystemExit):
        callback_deliver(callback_id=callback.pk, now=NOW)
    assert callbacks_deliver_due(now=NOW + callbacks.LEASE) == 0
    row = reloaded(callback)
    assert row.state == State.FAILED
    assert "stopped before it finished" in row.last_error
    assert receiver.received == []


@pytest.mark.django_db
def test_an_application_without_active_secrets_sends_nothing(app_creds, receiver):
    application_secret_revoke(secret=app_creds.application.secrets.get(), now=NOW)
    callback = enqueue(app_creds, receiver.url)
    assert callback_deliver(callback_id=callback.pk, now=NOW) == "retry"
    assert "no active client secret" in reloaded(callback).last_error
    assert receiver.received == []


@pytest.mark.django_db
def test_cancel_stops_a_pending_callback(app_creds, receiver):
    receiver.status = 500
    callback = enqueue(app_creds, receiver.url)
    callback_deliver(callback_id=callback.pk, now=NOW)
    assert callbacks.callback_cancel(callback=callback, now=NOW + SECOND)
    row = reloaded(callback)
    assert (row.state, row.next_attempt_at, row.updated_at) == (
        State.CANCELLED,
        None,
        NOW + SECOND,
    )
    assert callbacks_deliver_due(now=NOW + dt.timedelta(days=1)) == 0
    assert len(receiver.received) == 1
    assert not callbacks.callback_cancel(callback=callback, now=NOW)


@pytest.mark.django_db
def test_a_callback_cancelled_while_in_flight_stays_cancelled(app_creds, receiver, monkeypatch):
    callback = enqueue(app_creds, receiver.url)
    real_send = callbacks._send

    def cancel_meanwhile(claimed):
        callbacks.callback_cancel(callback=claimed, now=NOW)
        return real_send(claimed)

    monkeypatch.setattr(callbacks, "_send", cancel_meanwhile)
    assert callback_deliver(callback_id=callback.pk, now=NOW) == "ignored"
    assert reloaded(callback).state == State.CANCELLED
    assert [a.outcome for a in attempts(callback)] == ["ignored"]


@pytest.mark.django_db
def test_resend_sends_a_failed_callback_again_with_fresh_attempts(
    app_creds, receiver, django_capture_on_commit_callbacks
):
    callback = enqueue(app_creds, receiver.url)
    OutgoingCallback.objects.filter(pk=callback.pk).update(
        state=State.FAILED, attempts=13, next_attempt_at=None
    )
    with django_capture_on_commit_callbacks(execute=True) as kicks:
        assert callbacks.callback_resend(callback=callback, now=NOW)
    assert len(kicks) == 1
    row = reloaded(callback)
    assert (row.state, row.attempts) == (State.DELIVERED, 1)
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_resend_refuses_a_callback_being_sent(app_creds, receiver, monkeypatch):
    callback = enqueue(app_creds, receiver.url)
    monkeypatch.setattr(callbacks, "_send", lambda callback: exit("killed"))
    with pytest.raises(SystemExit):
        callback_deliver(callback_id=callback.pk, now=NOW)
    assert not callbacks.callback_resend(callback=callback, now=NOW + SECOND)
    assert callbacks.callback_resend(callback=callback, now=NOW + callbacks.LEASE)
    assert reloaded(callback).claim_token is None


@pytest.mark.django_db
def test_the_sweep_delivers_rows_whose_kick_was_lost(app_creds, receiver):
    # No on-commit kick ran (the web process died): the sweep finds them.
    rows = [enqueue(app_creds, receiver.url) for _ in range(5)]
    assert callbacks_deliver_due(now=NOW, batch=2) == 5
    assert len(receiver.received) == 5
    assert {reloaded(row).state for row in rows} == {State.DELIVERED}


@pytest.mark.django_db
def test_the_sweep_stops_at_its_time_budget(app_creds, receiver):
    for _ in range(3):
        enqueue(app_creds, receiver.url)
    assert callbacks_deliver_due(now=NOW, budget=0) == 0
    assert receiver.received == []


@pytest.mark.django_db
def test_a_sweep_out_of_time_hands_back_the_claims_it_did_not_use(app_creds, receiver, monkeypatch):
    rows = [enqueue(app_creds, receiver.url) for _ in range(3)]
    ticks = iter([0.0, 0.0, 0.0])  # start, claim, first attempt; then the budget is spent
    monkeypatch.setattr(callbacks, "_budget_clock", lambda: next(ticks, 99.0))
    assert callbacks_deliver_due(now=NOW, batch=3, budget=10) == 1
    states = sorted((r.state, r.attempts, r.claim_token) for r in map(reloaded, rows))
    assert states == [("delivered", 1, None), ("pending", 0, None), ("pending", 0, None)]
    monkeypatch.setattr(callbacks, "_budget_clock", time.monotonic)
    assert callbacks_deliver_due(now=NOW) == 2
