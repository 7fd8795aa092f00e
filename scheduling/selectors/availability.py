"""Reads of an account's managed availability: available periods and availability rules."""

import datetime as dt

from django.db.models import QuerySet

from scheduling.models import Account, AvailabilityRule, AvailablePeriod


def available_periods_overlapping(
    *, account: Account, start: dt.datetime, end: dt.datetime
) -> QuerySet[AvailablePeriod]:
    """The account's periods that overlap [start, end), by start (then id, for stable pages).

    A period that merely touches the window (ends at `start`, or starts at `end`) is outside.
    """
    return AvailablePeriod.objects.filter(account=account, start__lt=end, end__gt=start).order_by(
        "start", "id"
    )


def availability_rules_of(*, account: Account) -> QuerySet[AvailabilityRule]:
    """Every rule of the account, by its id."""
    return AvailabilityRule.objects.filter(account=account).order_by("availability_rule_id", "id")
