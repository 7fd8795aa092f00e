"""Real-time scheduling and sequencing requests, and the slots their bookings hold."""

from django.db import models
from django.db.models import F, Q

from scheduling.models import Account, Application, OutgoingCallback
from scheduling.models.base import TimestampedModel


class SchedulingRequest(TimestampedModel):
    """A link an integrator made (POST /v1/real_time_scheduling or /v1/real_time_sequencing):
    the end user who opens it picks one of the times available then, and the pick is booked.

    `spec` keeps the request as validated, in its JSON form (event, availability, target
    calendars, notice, callback and redirect URLs, oauth, tzid): the page re-reads it through the
    same parser as the API, so there is one shape. The link's token is not stored: it is the
    public id signed with the secret key (bookings/links.py).
    """

    class Kind(models.TextChoices):
        SCHEDULING = "scheduling", "Real-time scheduling"
        SEQUENCING = "sequencing", "Real-time sequencing"

    class Status(models.TextChoices):
        ENABLED = "enabled"
        DISABLED = "disabled"
        COMPLETED = "completed"
        EXPIRED = "expired"

    real_time_scheduling_id = models.CharField(max_length=40, unique=True)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scheduling_requests"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    spec = models.JSONField()
    # After the last query period ends no time can be offered: the link expires then.
    expires_at = models.DateTimeField()
    disabled_at = models.DateTimeField(null=True, blank=True)
    display_message = models.CharField(max_length=1000, blank=True, default="")
    # The outcome, once booked: the chosen times ({"start", "end", "sequence": [...]}) and the
    # participants booked; `callback` is the completed callback handed to the outbox.
    booked_at = models.DateTimeField(null=True, blank=True)
    outcome = models.JSONField(null=True, blank=True)
    callback = models.ForeignKey(
        OutgoingCallback, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    no_times_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked_at__isnull=True) | Q(outcome__isnull=False),
                name="scheduling_request_booked_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return self.real_time_scheduling_id

    def status_at(self, now) -> str:
        if self.booked_at is not None:
            return self.Status.COMPLETED
        if self.disabled_at is not None:
            return self.Status.DISABLED
        if now >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.ENABLED


class SlotClaim(TimestampedModel):
    """A span of one participant's time taken by a booking. The booking service checks
    availability under a lock before it writes; this table is the last guard behind it: on
    PostgreSQL an exclusion constraint (migration 0002) refuses two claims of one account that
    overlap, whatever the code above it does."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="slot_claims")
    scheduling_request = models.ForeignKey(
        SchedulingRequest, on_delete=models.CASCADE, related_name="claims"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["account", "start"], name="slot_claim_account_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="slot_claim_end_after_start"
            )
        ]
