"""The outbox: one row per outgoing signed HTTP callback, and one per attempt to deliver it.

A row is written in the same transaction as the change that causes it, so a callback exists if and
only if its change committed. Workers claim rows with a lease (`claimed_until`, `claim_token`): a
worker that dies mid-delivery loses its claim when the lease expires and another worker retries.
Timestamps come from the services' injected `now`, never from the database clock.
"""

from django.db import models
from django.db.models import Q

from scheduling.models.applications import Application


class OutgoingCallback(models.Model):
    class Kind(models.TextChoices):
        CHANNEL_NOTIFICATION = "channel_notification", "Push notification channel"
        SCHEDULING_CALLBACK = "scheduling_callback", "Real-time scheduling callback"
        BOOKING_WEBHOOK = "booking_webhook", "Booking webhook"
        SYNC_NOTIFICATION = "sync_notification", "Sync notification"

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"
        CANCELLED = "cancelled"

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="outgoing_callbacks",
        help_text="Its active client secrets sign the callback.",
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    url = models.URLField(max_length=2000)
    body = models.BinaryField(help_text="The exact bytes sent and signed.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    dedupe_key = models.CharField(  # noqa: DJ001 (NULL: not coalescing, outside the unique key)
        max_length=200,
        null=True,
        blank=True,
        help_text="Set while the callback waits: a second one with the same key is not queued.",
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Coalescing: at most one waiting callback per key (claiming a row clears its key).
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="unique_waiting_callback_dedupe_key",
            ),
            models.CheckConstraint(
                condition=Q(dedupe_key__isnull=True) | Q(state="pending", claim_token__isnull=True),
                name="callback_dedupe_key_only_while_waiting",
            ),
            models.CheckConstraint(
                condition=~Q(state="pending") | Q(next_attempt_at__isnull=False),
                name="pending_callback_has_next_attempt",
            ),
        ]
        indexes = [
            # The sweep's query: pending rows whose next attempt is due, oldest first.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="callback_due_idx",
            ),
            models.Index(fields=["application", "-created_at"], name="callback_app_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.url} ({self.state})"


class CallbackAttempt(models.Model):
    """One POST of a callback: when, how long, what came back."""

    class Outcome(models.TextChoices):
        DELIVERED = "delivered"
        RETRY = "retry", "Will be retried"
        FAILED = "failed", "Failed (last attempt)"
        IGNORED = "ignored", "Ignored (cancelled or re-claimed meanwhile)"

    callback = models.ForeignKey(
        OutgoingCallback, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField(help_text="1 for the first attempt (since a resend).")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["callback_id", "started_at", "id"]

    def __str__(self) -> str:
        return f"attempt {self.number} at {self.started_at:%Y-%m-%d %H:%M:%S}: {self.outcome}"
