"""Receivers of the core's signals (scheduling/signals.py), connected in CalendarsSyncConfig.ready.

Each only hands the change to one service, which decides what, if anything, to queue.
"""

from calendars_sync.services.write_back import write_back_enqueue
from scheduling.signals import ChangeOrigin


def write_back_changes(sender, *, account_id, calendar_ids, origin, **kwargs) -> None:
    """events_changed → a write-back of those calendars, unless the sync itself made the change
    (its writes come from the external calendar: writing them back would echo)."""
    if origin.kind == ChangeOrigin.SYNC:
        return
    write_back_enqueue(account_id=account_id, calendar_ids=calendar_ids)
