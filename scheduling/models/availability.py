from django.db import models
from django.db.models import F, Q

from scheduling.models.accounts import Account
from scheduling.models.base import TimestampedModel


class AvailablePeriod(TimestampedModel):
    """A specific time an account is available (managed availability)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="available_periods")
    available_period_id = models.CharField(max_length=64)
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["account_id", "start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "available_period_id"], name="unique_available_period_id"
            ),
            models.CheckConstraint(
                name="available_period_end_after_start", condition=Q(end__gt=F("start"))
            ),
        ]

    def __str__(self) -> str:
        return self.available_period_id


class AvailabilityRule(TimestampedModel):
    """Weekly recurring availability in a time zone.

    `weekly_periods` is a list of {"day": "monday", "start_time": "09:00", "end_time": "17:00"};
    `calendar_ids` names the calendars whose events count as busy under this rule.
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="availability_rules"
    )
    availability_rule_id = models.CharField(max_length=64)
    tzid = models.CharField(max_length=64)
    calendar_ids = models.JSONField(default=list, blank=True)
    weekly_periods = models.JSONField(default=list)

    class Meta:
        ordering = ["account_id", "availability_rule_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "availability_rule_id"], name="unique_availability_rule_id"
            ),
        ]

    def __str__(self) -> str:
        return self.availability_rule_id
