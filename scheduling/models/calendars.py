from django.db import models
from django.db.models import Q

from scheduling.models.accounts import Account, Profile
from scheduling.models.base import TimestampedModel


class Calendar(TimestampedModel):
    calendar_id = models.CharField(max_length=64, unique=True)
    # Denormalised from profile.account: the availability path filters calendars by account.
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="calendars")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="calendars")
    name = models.CharField(max_length=200)
    color = models.CharField(max_length=16, blank=True, default="")
    readonly = models.BooleanField(default=False)
    deleted = models.BooleanField(default=False)
    primary = models.BooleanField(default=False)
    # Whether the calendar's events count as busy time when a query names no calendars (an
    # OnSched resource can keep its synced calendar out of availability: calendarAvailability 0).
    counts_as_busy = models.BooleanField(default=True)

    class Meta:
        ordering = ["account_id", "-primary", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "name"],
                condition=Q(deleted=False),
                name="unique_live_calendar_name_per_profile",
            ),
            models.UniqueConstraint(
                fields=["account"], condition=Q(primary=True), name="one_primary_calendar"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calendar_id} {self.name}"
