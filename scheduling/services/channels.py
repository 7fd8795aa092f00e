"""Push notification channels (Cronofy's /v1/channels), delivered through the callback outbox.

A channel belongs to an application and one of the accounts it may act for. Right after creation it
gets a `verification` notification; after every committed change to events in its scope a `change`
notification whose `changes_since` is the `last_modified` to read the change with.

Notifications are outbox rows (`scheduling.services.callbacks`): signed with the application's
secrets, retried, never lost. A burst of changes does not become a burst of notifications: while a
channel's change notification is still waiting to be sent, a later change queues nothing, since
reading events changed since the waiting notification's `changes_since` also returns the later
ones. A change stamped earlier than the waiting notification (a slow transaction that committed
late) moves the waiting notification's `changes_since` back instead, so no change is missed.
"""

import datetime as dt
import json
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from scheduling.errors import ValidationFailed
from scheduling.ids import new_public_id
from scheduling.models import Account, Application, Channel, OutgoingCallback
from scheduling.outbound import callback_url_problem
from scheduling.selectors.access import access_channel
from scheduling.selectors.calendars import calendars_owned
from scheduling.selectors.channels import channels_listening, channels_open
from scheduling.services.callbacks import callback_enqueue, callback_waiting_rewrite
from scheduling.timeformat import format_time, parse_time

# Cronofy's documented limit per account.
MAX_OPEN_CHANNELS = 128
CHANNEL_ID_LENGTH = 24


def channel_present(channel: Channel) -> dict:
    """The channel as the API and its notifications show it: `filters` holds only the filters
    that were given (Cronofy shows "any non-default filters")."""
    filters: dict = {}
    if channel.calendar_ids is not None:
        filters["calendar_ids"] = list(channel.calendar_ids)
    if channel.only_managed:
        filters["only_managed"] = True
    return {
        "channel_id": channel.channel_id,
        "callback_url": channel.callback_url,
        "filters": filters,
    }


def _notification_body(channel: Channel, notification: dict) -> bytes:
    """Serialized once: these exact bytes are signed and sent."""
    body = {"notification": notification, "channel": channel_present(channel)}
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def _change_key(channel: Channel) -> str:
    return f"channel-change:{channel.channel_id}"


def channel_create(
    *,
    application: Application,
    account: Account,
    callback_url: str,
    calendar_ids: Sequence[str] | None = None,
    only_managed: bool = False,
    now: dt.datetime | None = None,
) -> Channel:
    """Open a channel and queue its `verification` notification.

    Creating a channel identical to an open one (same URL and filters) returns that one and sends
    nothing. `calendar_ids` must be the account's calendars (422 naming the others); the URL must
    be http(s) and not aimed at a refused network (422); at most MAX_OPEN_CHANNELS open channels
    per account and application (422). The URL's host is resolved before the transaction opens,
    so that no DNS lookup holds it.
    """
    now = now or timezone.now()
    problem = callback_url_problem(callback_url)
    if problem:
        raise ValidationFailed.one("callback_url", "invalid", problem)
    with transaction.atomic():
        return _channel_open(
            application=application,
            account=account,
            callback_url=callback_url,
            calendar_ids=calendar_ids,
            only_managed=only_managed,
            now=now,
        )


def _channel_open(
    *,
    application: Application,
    account: Account,
    callback_url: str,
    calendar_ids: Sequence[str] | None,
    only_managed: bool,
    now: dt.datetime,
) -> Channel:
    if calendar_ids is not None:
        calendars = calendars_owned(account=account, calendar_ids=calendar_ids)
        calendar_ids = [calendar.calendar_id for calendar in calendars]
    # One channel creation at a time per account: the identical-channel and limit checks below
    # then see every committed channel.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    open_channels = list(channels_open(application=application, account=account))
    for channel in open_channels:
        if (channel.callback_url, channel.calendar_ids, channel.only_managed) == (
            callback_url,
            calendar_ids,
            only_managed,
        ):
            return channel
    if len(open_channels) >= MAX_OPEN_CHANNELS:
        raise ValidationFailed.one(
            "base", "too_many_channels", f"An account can have {MAX_OPEN_CHANNELS} open channels."
        )
    channel = Channel.objects.create(
        channel_id=new_public_id("chn", CHANNEL_ID_LENGTH),
        application=application,
        account=account,
        callback_url=callback_url,
        calendar_ids=calendar_ids,
        only_managed=only_managed,
        created_at=now,
        updated_at=now,
    )
    callback_enqueue(
        application=application,
        url=callback_url,
        body=_notification_body(channel, {"type": "verification"}),
        kind=OutgoingCallback.Kind.CHANNEL_NOTIFICATION,
        now=now,
    )
    return channel


@transaction.atomic
def channel_close(
    *,
    application: Application,
    account: Account,
    channel_id: str,
    now: dt.datetime | None = None,
) -> None:
    """Close the caller's channel: nothing more is queued for it (notifications already queued
    are still delivered, as they describe changes made while it was open)."""
    now = now or timezone.now()
    channel = access_channel(application=application, account=account, channel_id=channel_id)
    Channel.objects.filter(pk=channel.pk).update(closed_at=now, updated_at=now)


@transaction.atomic
def channel_changes_notify(
    *,
    account_id: int,
    calendar_ids: Sequence[str],
    changed_at: dt.datetime,
    managed_by: int | None,
    now: dt.datetime | None = None,
) -> int:
    """Queue a `change` notification on every channel listening to this change, unless one is
    already waiting for it (see the module docstring). Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for channel in channels_listening(
        account_id=account_id, calendar_ids=calendar_ids, managed_by=managed_by
    ):
        notification = {"type": "change", "changes_since": format_time(changed_at)}
        body = _notification_body(channel, notification)
        queued += _change_queue(channel, body, changed_at, now)
    return queued


def _change_queue(channel: Channel, body: bytes, changed_at: dt.datetime, now: dt.datetime) -> int:
    """Queue the change notification unless one waits; then keep the earlier `changes_since`.
    Returns 1 when a notification was queued. A waiting row can be claimed by a worker between
    the two steps, and another change can queue one in between too; three rounds settle both."""
    key = _change_key(channel)
    for _ in range(3):
        if callback_waiting_rewrite(
            dedupe_key=key, rewrite=lambda waiting: _earlier(waiting, body, changed_at), now=now
        ):
            return 0
        queued = callback_enqueue(
            application=channel.application,
            url=channel.callback_url,
            body=body,
            kind=OutgoingCallback.Kind.CHANNEL_NOTIFICATION,
            dedupe_key=key,
            now=now,
        )
        if queued is not None:
            return 1
    raise RuntimeError(f"could not queue a change notification for {channel.channel_id}")


def _earlier(waiting: bytes, candidate: bytes, changed_at: dt.datetime) -> bytes | None:
    """The candidate body when its change is older than the waiting notification's, else None
    (keep the waiting one)."""
    since = parse_time(json.loads(waiting)["notification"]["changes_since"])
    return candidate if changed_at < since else None
