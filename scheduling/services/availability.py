"""Managed availability: available periods and availability rules, upserted by client id.

Both follow Cronofy's upsert pattern: the integrator names the object (`available_period_id`,
`availability_rule_id`, at most 64 printable ASCII characters); the first call creates it, later
calls replace it. Deleting an unknown available period is a no-op, so an integrator can mirror
its own state without keeping any (see the "sub calendar" recipe: period id = event_uid).
"""

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from scheduling.engine.model import WEEKDAYS
from scheduling.errors import ValidationFailed
from scheduling.models import Account, AvailabilityRule, AvailablePeriod
from scheduling.selectors.access import access_availability_rule
from scheduling.selectors.calendars import calendars_by_id
from scheduling.services.checks import client_id_check, tzid_check

MAX_WEEKLY_PERIODS = 100
_CLOCK_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
END_OF_DAY = "24:00"


@dataclass(frozen=True)
class WeeklyPeriod:
    """One weekly window in the rule's time zone; `end_time` may be "24:00" (end of the day)."""

    day: str
    start_time: str
    end_time: str

    def as_json(self) -> dict[str, str]:
        return {"day": self.day, "start_time": self.start_time, "end_time": self.end_time}


def weekly_period_problems(period: WeeklyPeriod) -> dict[str, str]:
    """{field: problem} for one weekly period; empty when it is valid.

    Times are "HH:MM" wall-clock times in the rule's zone. "24:00" is allowed as an end only,
    so that a period can run to the end of the day. "HH:MM" strings of equal width compare in
    clock order, so plain string comparison checks end > start.
    """
    problems = {}
    if period.day not in WEEKDAYS:
        problems["day"] = f"must be one of {', '.join(WEEKDAYS)}"
    if not _CLOCK_TIME.fullmatch(period.start_time):
        problems["start_time"] = 'must be a time of day "HH:MM" from 00:00 to 23:59'
    if period.end_time != END_OF_DAY and not _CLOCK_TIME.fullmatch(period.end_time):
        problems["end_time"] = 'must be a time of day "HH:MM" from 00:00 to 24:00'
    elif "start_time" not in problems and period.end_time <= period.start_time:
        problems["end_time"] = "must be after start_time"
    return problems


def _check_weekly_periods(weekly_periods: Sequence[WeeklyPeriod]) -> None:
    if not weekly_periods:
        raise ValidationFailed.one("weekly_periods", "required", "must not be empty")
    if len(weekly_periods) > MAX_WEEKLY_PERIODS:
        raise ValidationFailed.one(
            "weekly_periods", "too_long", f"must hold at most {MAX_WEEKLY_PERIODS} periods"
        )
    errors = {
        f"weekly_periods.{index}.{field}": [("invalid", problem)]
        for index, period in enumerate(weekly_periods)
        for field, problem in weekly_period_problems(period).items()
    }
    if errors:
        raise ValidationFailed(errors)


def _period_check(available_period_id: str, start: dt.datetime, end: dt.datetime) -> None:
    client_id_check(available_period_id, field="available_period_id")
    if end <= start:
        raise ValidationFailed.one("end", "invalid", "must be after start")


@transaction.atomic
def available_period_upsert(
    *,
    account: Account,
    available_period_id: str,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
) -> AvailablePeriod:
    """Create the account's period with this id, or move the existing one to [start, end)."""
    _period_check(available_period_id, start, end)
    now = now or timezone.now()
    period, _ = AvailablePeriod.objects.update_or_create(
        account=account,
        available_period_id=available_period_id,
        defaults={"start": start, "end": end, "updated_at": now},
        create_defaults={"start": start, "end": end, "created_at": now, "updated_at": now},
    )
    return period


@dataclass(frozen=True)
class PeriodsPut:
    created: int = 0
    updated: int = 0


@transaction.atomic
def available_periods_put(
    *,
    account_id: int,
    periods: Mapping[str, tuple[dt.datetime, dt.datetime]],
    now: dt.datetime,
) -> PeriodsPut:
    """`available_period_upsert` for many periods at once ({available_period_id: (start, end)}),
    in at most three queries however many there are: the missing are created, the moved updated,
    the unchanged left untouched (their `updated_at` stays). Other periods of the account stay.

    The caller serialises writers of the same ids (availability calendars lock the account row):
    two concurrent puts of a new id would otherwise both try to create it.
    """
    for period_id, (start, end) in periods.items():
        _period_check(period_id, start, end)
    existing = {
        period.available_period_id: period
        for period in AvailablePeriod.objects.filter(account_id=account_id).only(
            "pk", "available_period_id", "start", "end"
        )
    }
    new, moved = [], []
    for period_id, (start, end) in periods.items():
        period = existing.get(period_id)
        if period is None:
            new.append(
                AvailablePeriod(
                    account_id=account_id,
                    available_period_id=period_id,
                    start=start,
                    end=end,
                    created_at=now,
                    updated_at=now,
                )
            )
        elif (period.start, period.end) != (start, end):
            period.start, period.end, period.updated_at = start, end, now
            moved.append(period)
    AvailablePeriod.objects.bulk_create(new)
    AvailablePeriod.objects.bulk_update(moved, ["start", "end", "updated_at"])
    return PeriodsPut(created=len(new), updated=len(moved))


def available_period_delete(*, account: Account, available_period_id: str) -> int:
    """Delete the account's period with this id (an unknown id is no error). Returns the count."""
    deleted, _ = AvailablePeriod.objects.filter(
        account=account, available_period_id=available_period_id
    ).delete()
    return deleted


def available_periods_delete_all(*, account: Account) -> int:
    """Delete every available period of the account. Returns how many there were."""
    deleted, _ = AvailablePeriod.objects.filter(account=account).delete()
    return deleted


def _checked_calendar_ids(*, account: Account, calendar_ids: Sequence[str]) -> list[str]:
    """The ids, without repeats, each naming one of the account's live calendars."""
    unique = list(dict.fromkeys(calendar_ids))
    known = calendars_by_id(account=account, calendar_ids=unique, live_only=True)
    errors = {
        f"calendar_ids.{index}": [("not_found", f"No calendar {calendar_id!r} in this account")]
        for index, calendar_id in enumerate(calendar_ids)
        if calendar_id not in known
    }
    if errors:
        raise ValidationFailed(errors)
    return unique


@transaction.atomic
def availability_rule_upsert(
    *,
    account: Account,
    availability_rule_id: str,
    tzid: str,
    weekly_periods: Sequence[WeeklyPeriod],
    calendar_ids: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> AvailabilityRule:
    """Create or replace the account's rule with this id.

    `calendar_ids` empty means every calendar of the account counts as busy under the rule.
    Errors name field paths as the API shows them (`weekly_periods.0.end_time`, `calendar_ids.1`).
    """
    client_id_check(availability_rule_id, field="availability_rule_id")
    tzid_check(tzid)
    _check_weekly_periods(weekly_periods)
    now = now or timezone.now()
    values = {
        "tzid": tzid,
        "calendar_ids": _checked_calendar_ids(account=account, calendar_ids=calendar_ids),
        "weekly_periods": [period.as_json() for period in weekly_periods],
    }
    rule, _ = AvailabilityRule.objects.update_or_create(
        account=account,
        availability_rule_id=availability_rule_id,
        defaults={**values, "updated_at": now},
        create_defaults={**values, "created_at": now, "updated_at": now},
    )
    return rule


def availability_rule_delete(*, account: Account, availability_rule_id: str) -> None:
    """Delete the account's rule; NotFound when it has none with this id (it is a path resource)."""
    rule = access_availability_rule(account=account, availability_rule_id=availability_rule_id)
    rule.delete()
