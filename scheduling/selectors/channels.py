"""Reads of push notification channels."""

from collections.abc import Sequence

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from scheduling.models import Account, Application, Channel, Grant


def channels_open(*, application: Application, account: Account) -> QuerySet[Channel]:
    """The application's open channels on the account, oldest first."""
    return Channel.objects.filter(application=application, account=account, closed_at=None)


def channels_listening(
    *, account_id: int, calendar_ids: Sequence[str], managed_by: int | None
) -> list[Channel]:
    """Open channels that want to hear about a change to these calendars of the account, whose
    application may still see the account (it owns it, or holds a live grant). One query."""
    live_grant = Grant.objects.filter(
        application=OuterRef("application"), account_id=account_id, revoked_at__isnull=True
    )
    channels = (
        Channel.objects.filter(account_id=account_id, closed_at=None, application__is_active=True)
        .filter(Q(account__application=F("application")) | Exists(live_grant))
        .select_related("application")
    )
    if managed_by is None:
        channels = channels.filter(only_managed=False)
    else:
        channels = channels.filter(Q(only_managed=False) | Q(application_id=managed_by))
    wanted = set(calendar_ids)
    return [
        channel
        for channel in channels
        if channel.calendar_ids is None or wanted.intersection(channel.calendar_ids)
    ]
