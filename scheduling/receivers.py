"""Receivers of the core's own signals (scheduling/signals.py), connected in SchedulingConfig.ready.

Each only hands the change to one service; the service decides what, if anything, to queue.
"""

from scheduling.services.availability_calendars import availability_calendar_changes_queue
from scheduling.services.channels import channel_changes_notify


def notify_channels(sender, *, account_id, calendar_ids, changed_at, managed_by, **kwargs) -> None:
    """events_changed → a `change` notification on each push notification channel in scope."""
    channel_changes_notify(
        account_id=account_id,
        calendar_ids=calendar_ids,
        changed_at=changed_at,
        managed_by=managed_by,
    )


def keep_availability_calendars(sender, *, account_id, calendar_ids, **kwargs) -> None:
    """events_changed → a reconcile of the account's available periods, when the change touched
    its availability calendar (any origin: API, booking or sync)."""
    availability_calendar_changes_queue(account_id=account_id, calendar_ids=calendar_ids)
