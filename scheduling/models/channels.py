from django.db import models
from django.db.models import Q

from scheduling.models.accounts import Account
from scheduling.models.applications import Application
from scheduling.models.base import TimestampedModel


class Channel(TimestampedModel):
    """A push notification channel: the application hears about changes to the account's events
    (all of its calendars, or `calendar_ids`; with `only_managed`, only changes to the events the
    application manages) through signed POSTs to `callback_url`, until it closes the channel."""

    channel_id = models.CharField(max_length=40, unique=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="channels")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="channels")
    callback_url = models.CharField(max_length=2000)
    # None: every calendar of the account; else the public calendar ids the channel watches.
    calendar_ids = models.JSONField(null=True, blank=True)
    only_managed = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["account"], condition=Q(closed_at__isnull=True), name="channel_open_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} → {self.callback_url}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
