"""Push: provider channels (Google watch channels, Graph subscriptions) that POST to us when a
synced calendar changes, so that a pull follows within a second instead of at the next poll.

A channel carries a random token of ours (Google's channel token, Graph's clientState); only
its SHA-256 is stored, and a notification is believed when its token hashes to it (compared in
constant time). A notification only enqueues a pull of its calendar: whatever a caller sends,
the work it causes is one queued task per request. Without PUBLIC_BASE_URL (the address
providers can reach us at) there is no push and polling alone keeps calendars in step.
"""

import datetime as dt
import hmac
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task

from calendars_sync.models import Connection, Provider, SyncedCalendar
from calendars_sync.providers.base import (
    Adapter,
    ProviderRefused,
    PushChannel,
    PushUnsupported,
    SyncError,
)
from scheduling.credentials import hash_token, new_token

logger = logging.getLogger(__name__)

# The webhook view of each provider that has push (calendars_sync/urls.py).
PUSH_URL_NAMES = {
    Provider.GOOGLE: "sync_push_google",
    Provider.MICROSOFT: "sync_push_microsoft",
}
# Channels are renewed (or started anew) when they expire within this.
RENEW_AHEAD = dt.timedelta(days=1)


def push_callback_url(provider: str) -> str | None:
    """Where the provider should POST, or None when this provider or deployment has no push."""
    name = PUSH_URL_NAMES.get(provider)
    if name is None or not settings.PUBLIC_BASE_URL:
        return None
    return settings.PUBLIC_BASE_URL + reverse(name)


def push_channel_of(synced: SyncedCalendar) -> PushChannel | None:
    if not synced.push_channel_id or synced.push_expires_at is None:
        return None
    return PushChannel(synced.push_channel_id, synced.push_resource_id, synced.push_expires_at)


def _store(
    synced: SyncedCalendar, channel: PushChannel, token: str | None, now: dt.datetime
) -> None:
    """Store the channel; `token` None: it carries the token it had."""
    synced.push_channel_id = channel.channel_id
    synced.push_resource_id = channel.resource_id
    if token is not None:
        synced.push_token_hash = hash_token(token)
    synced.push_expires_at = channel.expires_at
    synced.updated_at = now
    synced.save(
        update_fields=[
            "push_channel_id",
            "push_resource_id",
            "push_token_hash",
            "push_expires_at",
            "updated_at",
        ]
    )


def push_stop_quietly(adapter: Adapter, channel: PushChannel) -> None:
    """Stop a channel we no longer use; the provider's answer does not matter (it expires)."""
    try:
        adapter.push_stop(channel)
    except SyncError as exc:
        logger.info("stopping push channel %s failed: %s", channel.channel_id, type(exc).__name__)


def push_ensure(
    *, adapter: Adapter, synced: SyncedCalendar, connection: Connection, now: dt.datetime
) -> bool:
    """After a successful pull: start a channel for a calendar without a live one (or with one
    expiring within RENEW_AHEAD), stopping the old one. Push is an optimisation: a provider that
    refuses it (PushUnsupported, or any error) leaves the calendar to polling."""
    callback_url = push_callback_url(connection.provider)
    old = push_channel_of(synced)
    if callback_url is None or (old is not None and old.expires_at > now + RENEW_AHEAD):
        return False
    token = new_token()
    try:
        channel = adapter.push_start(
            synced.remote_id, callback_url=callback_url, channel_id=uuid.uuid4().hex, token=token
        )
    except PushUnsupported:
        return False
    except SyncError as exc:
        logger.info("push for %s refused: %s", synced.calendar_id, type(exc).__name__)
        return False
    _store(synced, channel, token, now)
    if old is not None:
        push_stop_quietly(adapter, old)
    return True


def push_received(
    *, provider: str, channel_id: str, token: str, now: dt.datetime | None = None
) -> bool:
    """A provider says a channel's calendar changed: queue a pull of that calendar (after
    commit). False, queueing nothing, for an unknown channel or a token that does not match."""
    if not channel_id or not token:
        return False
    synced = (
        SyncedCalendar.objects.filter(
            push_channel_id=channel_id,
            connection__provider=provider,
            connection__state=Connection.State.ACTIVE,
        )
        .exclude(push_token_hash="")
        .first()
    )
    if synced is None or not hmac.compare_digest(synced.push_token_hash, hash_token(token)):
        return False
    pk = synced.pk
    transaction.on_commit(lambda: async_task("calendars_sync.tasks.synced_calendar_sync", pk))
    return True


def push_channels_due(now: dt.datetime):
    """Live channels of active connections that expire within RENEW_AHEAD."""
    return (
        SyncedCalendar.objects.filter(
            connection__state=Connection.State.ACTIVE,
            calendar__deleted=False,
            push_expires_at__lte=now + RENEW_AHEAD,
        )
        .exclude(push_channel_id="")
        .select_related("connection", "calendar")
        .order_by("push_expires_at", "id")
    )


def push_channel_renew(
    *, adapter: Adapter, synced: SyncedCalendar, connection: Connection, now: dt.datetime
) -> bool:
    """Extend one channel. A channel renewed in place (Graph's PATCH) keeps the token it
    carries; a new one (Google's new watch) carries the fresh token given. An expired channel,
    or one the provider no longer knows (ProviderRefused: Graph's 404), is started anew. Raises
    the adapter's other errors."""
    channel = push_channel_of(synced)
    callback_url = push_callback_url(connection.provider)
    if channel is None or callback_url is None:
        return False
    if channel.expires_at <= now:
        return push_ensure(adapter=adapter, synced=synced, connection=connection, now=now)
    token = new_token()
    try:
        renewed = adapter.push_renew(
            channel, remote_calendar_id=synced.remote_id, callback_url=callback_url, token=token
        )
    except ProviderRefused:
        return push_ensure(adapter=adapter, synced=synced, connection=connection, now=now)
    _store(synced, renewed, token if renewed.channel_id != channel.channel_id else None, now)
    return True


def push_clear(*, connection: Connection, now: dt.datetime | None = None) -> None:
    """Forget the connection's channels (after stopping them, or when they cannot be)."""
    now = now or timezone.now()
    SyncedCalendar.objects.filter(connection=connection).update(
        push_channel_id="",
        push_resource_id="",
        push_token_hash="",
        push_expires_at=None,
        updated_at=now,
    )
