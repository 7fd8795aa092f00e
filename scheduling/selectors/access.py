"""Access helpers: every fetch of tenant data goes through here.

Each answers NotFound for missing and forbidden alike, so callers never learn that another
tenant's object exists.
"""

from django.db.models import Q, QuerySet

from scheduling.errors import NotFound
from scheduling.models import Account, Application, AvailabilityRule, Calendar, Channel


def accounts_visible_to(*, application: Application) -> QuerySet[Account]:
    """Accounts the application created, and accounts with a live grant to it."""
    return Account.objects.filter(
        Q(application=application)
        | Q(grants__application=application, grants__revoked_at__isnull=True)
    ).distinct()


def access_calendar(*, account: Account, calendar_id: str) -> Calendar:
    calendar = Calendar.objects.filter(account=account, calendar_id=calendar_id).first()
    if calendar is None:
        raise NotFound(f"No calendar {calendar_id!r}")
    return calendar


def access_availability_rule(*, account: Account, availability_rule_id: str) -> AvailabilityRule:
    rule = AvailabilityRule.objects.filter(
        account=account, availability_rule_id=availability_rule_id
    ).first()
    if rule is None:
        raise NotFound(f"No availability rule {availability_rule_id!r}")
    return rule


def access_channel(*, application: Application, account: Account, channel_id: str) -> Channel:
    """The caller's open channel; NotFound for missing, closed and foreign alike."""
    channel = Channel.objects.filter(
        application=application, account=account, channel_id=channel_id, closed_at=None
    ).first()
    if channel is None:
        raise NotFound(f"No channel {channel_id!r}")
    return channel
