"""Reads of calendars."""

from collections.abc import Iterable

from django.db.models import QuerySet

from scheduling.errors import ValidationFailed
from scheduling.models import Account, Calendar


def calendar_write_problem(calendar: Calendar) -> str | None:
    """Why no application may change events in this calendar, or None when they may.

    The one statement of it: services refuse writes with this description (services/events.py),
    and event responses report `event_editable` by it (selectors/events.py: event_writable_by).
    """
    if calendar.deleted:
        return "The calendar has been deleted."
    if calendar.readonly:
        return "The calendar is read-only."
    return None


def calendars_for_account(*, account: Account) -> QuerySet[Calendar]:
    """Every calendar of the account, deleted ones included (they show `calendar_deleted`),
    with their profile, in one query."""
    return Calendar.objects.filter(account=account).select_related("profile")


def calendars_by_id(
    *, account: Account, calendar_ids: Iterable[str], live_only: bool = False
) -> dict[str, Calendar]:
    """{calendar_id: calendar} for the account's calendars among these public ids, in one query.

    An id naming none of them (missing, another account's or, with `live_only`, deleted) is
    absent; callers report such ids in their own terms.
    """
    calendars = Calendar.objects.filter(account=account, calendar_id__in=list(calendar_ids))
    if live_only:
        calendars = calendars.filter(deleted=False)
    return {calendar.calendar_id: calendar for calendar in calendars}


def calendars_owned(*, account: Account, calendar_ids: Iterable[str]) -> list[Calendar]:
    """The account's calendars with these public ids, in one query.

    An id that is not one of the account's calendars (missing or another account's, never told
    apart) is a 422 on `calendar_ids` naming it.
    """
    wanted = list(dict.fromkeys(calendar_ids))
    found = calendars_by_id(account=account, calendar_ids=wanted)
    unknown = [calendar_id for calendar_id in wanted if calendar_id not in found]
    if unknown:
        raise ValidationFailed(
            {
                "calendar_ids": [
                    ("invalid", f"No calendar {calendar_id!r}.") for calendar_id in unknown
                ]
            }
        )
    return [found[calendar_id] for calendar_id in wanted]
