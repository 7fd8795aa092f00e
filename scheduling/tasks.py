"""django-q2 entry points of the core. Each takes primary keys and calls one service."""

from dataclasses import asdict

from scheduling.services import availability_calendars, callbacks


def callback_deliver(callback_id: int) -> str | None:
    """Enqueued when the transaction that queued the callback commits."""
    return callbacks.callback_deliver(callback_id=callback_id)


def callbacks_deliver_due() -> int:
    """Every minute (the q2 schedule `callbacks_deliver_due`, made by migration 0004): retries
    whose time has come, leases of dead workers, callbacks whose on-commit kick was lost."""
    return callbacks.callbacks_deliver_due()


def availability_calendar_reconcile(account_id: int) -> dict[str, int]:
    """Enqueued (after commit) when events of an account's availability calendar changed."""
    reconciled = availability_calendars.availability_calendar_reconcile(account_id=account_id)
    return asdict(reconciled)
