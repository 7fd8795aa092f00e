"""The outbox: signed HTTP callbacks, written with the change that causes them, delivered with
retries by django-q2 workers.

`callback_enqueue` writes a row in the caller's transaction and, once that commits, asks a worker
to deliver it (a q2 task for that row). Nothing is queued or sent for a transaction that rolls
back. If the kick is lost (the web process died between commit and enqueue, the broker was down),
the sweep `callbacks_deliver_due` finds the row within a minute.

Claiming: a worker takes a row by writing a lease on it (`claimed_until`, `claim_token`) in one
short transaction, sends with no transaction open, then records the outcome only if its claim still
holds. Two workers never hold a live claim on one row: PostgreSQL locks the candidate rows with
`SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent sweeps take different rows; SQLite, which has
no row locks, runs a conditional UPDATE that re-checks "still due, claim free or expired" as the
one writer the database allows at a time. A worker that dies mid-delivery loses its lease after
LEASE; the attempt it was making counts (attempts are counted at the claim), so a callback that
kills its worker cannot be retried forever.

The lease (5 min) is far longer than one attempt can take (connect + read timeouts, and q2 kills a
task after its 60 s timeout), so a live worker never sees its row re-claimed under it.
"""

import datetime as dt
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_q.tasks import async_task

from scheduling import callback_retries, outbound
from scheduling.callback_signing import HEADER, hmac_header
from scheduling.errors import ValidationFailed
from scheduling.models import Application, CallbackAttempt, OutgoingCallback
from scheduling.services.applications import application_signing_secrets

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
SWEEP_BATCH = 20
SWEEP_BUDGET_SECONDS = 40.0  # below q2's task timeout (60 s): the next sweep takes the rest
CONTENT_TYPE = "application/json; charset=utf-8"
State = OutgoingCallback.State
Outcome = CallbackAttempt.Outcome
_budget_clock = time.monotonic  # the sweep's time budget (tests replace it)


def user_agent() -> str:
    """Names the platform, and the instance when PUBLIC_BASE_URL is set, to receivers' logs."""
    base = settings.PUBLIC_BASE_URL
    return f"SchedulingPlatform-Callbacks/1.0{f' (+{base})' if base else ''}"


def _kick(callback_id: int) -> None:
    async_task("scheduling.tasks.callback_deliver", callback_id)


def callback_enqueue(
    *,
    application: Application,
    url: str,
    body: bytes,
    kind: str,
    dedupe_key: str | None = None,
    now: dt.datetime | None = None,
) -> OutgoingCallback | None:
    """Queue `body` (the exact bytes to send and sign) for POSTing to `url`, signed with
    `application`'s active client secrets, in the caller's transaction.

    With a `dedupe_key` (namespaced by the caller, e.g. "channel:chn_...:change"), nothing is
    queued while a callback with that key still waits (not yet claimed by a worker): returns
    None. Once a worker has claimed it, the same key queues a new one, since the one in flight may
    describe an older state.
    """
    if kind not in OutgoingCallback.Kind.values:
        raise ValueError(f"unknown callback kind {kind!r}")
    if problem := outbound.url_shape_problem(url):
        raise ValidationFailed.one("url", "invalid", problem)
    now = now or timezone.now()
    if dedupe_key is not None and _waiting(dedupe_key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: the insert may lose the race on dedupe_key
            callback = OutgoingCallback.objects.create(
                application=application,
                kind=kind,
                url=url,
                body=bytes(body),
                dedupe_key=dedupe_key,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        if dedupe_key is None or not _waiting(dedupe_key).exists():
            raise
        return None
    transaction.on_commit(partial(_kick, callback.pk), robust=True)
    return callback


@transaction.atomic
def callback_waiting_rewrite(
    *,
    dedupe_key: str,
    rewrite: Callable[[bytes], bytes | None],
    now: dt.datetime | None = None,
) -> bool:
    """Let the caller replace the body of the callback still waiting under `dedupe_key` (not yet
    claimed): `rewrite` gets the waiting bytes and returns new bytes, or None to keep them. The row
    is locked meanwhile, so no worker claims it half-rewritten. False when nothing waits (a worker
    claimed it in between): the caller then queues a new callback."""
    waiting = _waiting(dedupe_key).select_for_update().first()
    if waiting is None:
        return False
    body = rewrite(bytes(waiting.body))
    if body is not None:
        OutgoingCallback.objects.filter(pk=waiting.pk).update(
            body=bytes(body), updated_at=now or timezone.now()
        )
    return True


def _waiting(dedupe_key: str) -> QuerySet[OutgoingCallback]:
    # A key is only ever set on a waiting row (a check constraint says so).
    return OutgoingCallback.objects.filter(dedupe_key=dedupe_key)


def _claim_free(now: dt.datetime) -> Q:
    return Q(claim_token__isnull=True) | Q(claimed_until__lte=now)


def _due(now: dt.datetime) -> QuerySet[OutgoingCallback]:
    """Pending rows whose next attempt has come, unclaimed or with an expired lease."""
    return OutgoingCallback.objects.filter(
        _claim_free(now),
        state=State.PENDING,
        next_attempt_at__lte=now,
        attempts__lt=callback_retries.MAX_ATTEMPTS,
    )


def _kickable(now: dt.datetime) -> QuerySet[OutgoingCallback]:
    """What a kick may deliver: due rows, and rows never tried yet whatever their time (a web
    server's clock a little ahead of the worker's must not hold a new callback back a minute)."""
    return OutgoingCallback.objects.filter(
        _claim_free(now),
        Q(next_attempt_at__lte=now) | Q(attempts=0),
        state=State.PENDING,
        attempts__lt=callback_retries.MAX_ATTEMPTS,
    )


def _claim(
    eligible: QuerySet[OutgoingCallback], now: dt.datetime, limit: int
) -> list[OutgoingCallback]:
    """Lease up to `limit` `eligible` rows, earliest due first, to this worker; the rows it got
    (another worker may have taken some)."""
    candidates = eligible.order_by("next_attempt_at", "id")[:limit]
    token = uuid.uuid4()
    lease = {
        "claim_token": token,
        "claimed_until": now + LEASE,
        "dedupe_key": None,  # in flight: a later change must queue a new callback
        "attempts": F("attempts") + 1,
        "updated_at": now,
    }
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            pks = list(candidates.select_for_update(skip_locked=True).values_list("pk", flat=True))
            OutgoingCallback.objects.filter(pk__in=pks).update(**lease)
    else:
        # No row locks (SQLite): the UPDATE re-checks the whole condition, and the database runs
        # one writer at a time, so a row another worker claimed meanwhile is left alone.
        pks = list(candidates.values_list("pk", flat=True))
        eligible.filter(pk__in=pks).update(**lease)
    return list(OutgoingCallback.objects.filter(claim_token=token).select_related("application"))


@dataclass(frozen=True)
class _Result:
    status_code: int | None
    error: str  # "" when delivered
    duration_ms: int


def _send(callback: OutgoingCallback) -> _Result:
    """POST the row's exact bytes, signed; no database transaction is open meanwhile."""
    began = time.monotonic()
    secrets = application_signing_secrets(application=callback.application)
    if not secrets:
        return _Result(None, "the application has no active client secret to sign with", 0)
    headers = {
        "Content-Type": CONTENT_TYPE,
        "User-Agent": user_agent(),
        HEADER: hmac_header(bytes(callback.body), secrets),
    }
    try:
        response = outbound.post(
            callback.url,
            body=bytes(callback.body),
            headers=headers,
            connect_timeout=settings.CALLBACK_CONNECT_TIMEOUT,
            read_timeout=settings.CALLBACK_READ_TIMEOUT,
        )
    except outbound.OutboundError as exc:
        status, error = None, str(exc)
    else:
        status, error = response.status, _status_error(response)
    return _Result(status, error, round((time.monotonic() - began) * 1000))


def _status_error(response: outbound.OutboundResponse) -> str:
    if 200 <= response.status < 300:
        return ""
    if 300 <= response.status < 400:
        return f"HTTP {response.status}: redirect to {response.location or '?'} not followed"
    return f"HTTP {response.status}: {response.excerpt}".strip()


def _record(callback: OutgoingCallback, result: _Result, now: dt.datetime) -> str:
    """Store the attempt and the row's next state, if this worker's claim still holds."""
    changes: dict = {"claim_token": None, "claimed_until": None, "updated_at": now}
    if not result.error:
        outcome = Outcome.DELIVERED
        changes |= {"state": State.DELIVERED, "delivered_at": now, "next_attempt_at": None}
    else:
        # Jitter, not secrecy: spreads retries of callbacks that failed together.
        delay = callback_retries.retry_delay(callback.attempts, random.random())  # noqa: S311
        changes["last_error"] = result.error
        if delay is None:
            outcome = Outcome.FAILED
            changes |= {"state": State.FAILED, "next_attempt_at": None}
        else:
            outcome = Outcome.RETRY
            changes["next_attempt_at"] = now + delay
    with transaction.atomic():
        held = OutgoingCallback.objects.filter(
            pk=callback.pk, claim_token=callback.claim_token, state=State.PENDING
        ).update(**changes)
        CallbackAttempt.objects.create(
            callback=callback,
            number=callback.attempts,
            started_at=now,
            duration_ms=result.duration_ms,
            status_code=result.status_code,
            error=result.error,
            outcome=outcome if held else Outcome.IGNORED,
            created_at=now,
            updated_at=now,
        )
    return outcome if held else Outcome.IGNORED


def _attempt(callback: OutgoingCallback, now: dt.datetime) -> str:
    result = _send(callback)
    outcome = _record(callback, result, now)
    if outcome != Outcome.DELIVERED:
        logger.info("callback %s to %s: %s (%s)", callback.pk, callback.url, outcome, result.error)
    return outcome


def callback_deliver(*, callback_id: int, now: dt.datetime | None = None) -> str | None:
    """Claim and send one callback (what the on-commit kick runs). Returns the attempt's outcome,
    or None when there was nothing to do: already delivered, cancelled, not yet due for a retry, or
    claimed by another worker."""
    now = now or timezone.now()
    claimed = _claim(_kickable(now).filter(pk=callback_id), now, limit=1)
    return _attempt(claimed[0], now) if claimed else None


def callbacks_deliver_due(
    *,
    now: dt.datetime | None = None,
    batch: int = SWEEP_BATCH,
    budget: float = SWEEP_BUDGET_SECONDS,
) -> int:
    """The sweep: send every due callback (retries whose time has come, rows whose worker died,
    rows whose on-commit kick was lost), `batch` claims at a time, starting no attempt after
    `budget` seconds. Also fails rows whose last attempt's worker died. Returns how many were
    sent."""
    clock = (lambda: now) if now else timezone.now
    _fail_abandoned(clock())
    stop_at = _budget_clock() + budget
    sent = 0
    while _budget_clock() < stop_at:
        moment = clock()
        claimed = _claim(_due(moment), moment, limit=batch)
        if not claimed:
            break
        for n, callback in enumerate(claimed):
            if _budget_clock() >= stop_at:
                _release(claimed[n:], clock())
                break
            _attempt(callback, clock())
            sent += 1
    return sent


def _release(claimed: list[OutgoingCallback], now: dt.datetime) -> None:
    """Hand back claims this worker will not use (out of time), uncounted, so that the next sweep
    takes them at once instead of after the lease (q2 would kill a sweep that overran its task
    timeout, leaving them leased)."""
    OutgoingCallback.objects.filter(
        pk__in=[callback.pk for callback in claimed], claim_token=claimed[0].claim_token
    ).update(claim_token=None, claimed_until=None, attempts=F("attempts") - 1, updated_at=now)


def _fail_abandoned(now: dt.datetime) -> int:
    """Rows whose last allowed attempt was claimed by a worker that never came back."""
    return OutgoingCallback.objects.filter(
        _claim_free(now),
        state=State.PENDING,
        attempts__gte=callback_retries.MAX_ATTEMPTS,
    ).update(
        state=State.FAILED,
        next_attempt_at=None,
        claim_token=None,
        claimed_until=None,
        last_error="the worker making the last attempt stopped before it finished",
        updated_at=now,
    )


@transaction.atomic
def callback_resend(*, callback: OutgoingCallback, now: dt.datetime | None = None) -> bool:
    """Send again now, with a fresh set of attempts (the attempt log keeps the old ones): for a
    failed, cancelled or delivered callback, or a pending one waiting for its next retry. Not for
    one a worker is sending right now (False)."""
    now = now or timezone.now()
    sending = Q(claim_token__isnull=False, claimed_until__gt=now)
    resent = (
        OutgoingCallback.objects.filter(pk=callback.pk)
        .exclude(sending)
        .update(
            state=State.PENDING,
            attempts=0,
            next_attempt_at=now,
            delivered_at=None,
            claim_token=None,
            claimed_until=None,
            updated_at=now,
        )
    )
    if resent:
        transaction.on_commit(partial(_kick, callback.pk), robust=True)
    return bool(resent)


def callback_cancel(*, callback: OutgoingCallback, now: dt.datetime | None = None) -> bool:
    """Stop a pending callback: no further attempt. One being sent right now may still arrive;
    its outcome is recorded but leaves the callback cancelled. False if it was not pending."""
    now = now or timezone.now()
    return bool(
        OutgoingCallback.objects.filter(pk=callback.pk, state=State.PENDING).update(
            state=State.CANCELLED,
            next_attempt_at=None,
            dedupe_key=None,
            claim_token=None,
            claimed_until=None,
            updated_at=now,
        )
    )
