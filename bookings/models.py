"""Real-time scheduling and sequencing requests, the slots their bookings hold, and Timekit-shaped
bookings (one-to-one, classes and their seats)."""

import uuid

from django.db import models
from django.db.models import F, Q

from bookings.engine import graphs
from scheduling.models import Account, Application, Calendar, Event, OutgoingCallback
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


class Booking(TimestampedModel):
    """A Timekit booking (reference 1.2/1.3): a one-to-one booking (`instant`, `confirm_decline`),
    a class (`group_owner`, with `max_seats` and its booking window) or a seat in a class
    (`group_customer`, with `owner_booking` and `seats`). `state` moves only through the graph's
    state machine (bookings/engine/graphs.py), applied by the services.

    Seats are counted on the class row: `taken_seats` is the sum of the seats of its active
    (confirmed) seat bookings, updated in the transaction that takes or frees them while the class
    row is locked. CHECK (taken_seats <= max_seats) is the last guard against overselling on every
    database, whatever the code above it does.
    """

    booking_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="bookings")
    graph = models.CharField(max_length=32, choices=[(g, g) for g in graphs.GRAPHS])
    state = models.CharField(max_length=32, choices=[(s, s) for s in sorted(graphs.ALL_STATES)])
    # The resource: a core account, whose calendar holds the class or booking event.
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="bookings")
    calendar = models.ForeignKey(
        Calendar, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    what = models.CharField(max_length=1024, blank=True, default="")
    where = models.CharField(max_length=1024, blank=True, default="")
    description = models.TextField(blank=True, default="")
    customer_name = models.CharField(max_length=255, blank=True, default="")
    customer_email = models.EmailField(max_length=255, blank=True, default="")
    customer_timezone = models.CharField(max_length=64, blank=True, default="")
    owner_booking = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="seat_bookings"
    )
    seats = models.PositiveIntegerField(default=1)
    # Classes only (NULL otherwise).
    max_seats = models.PositiveIntegerField(null=True, blank=True)
    taken_seats = models.PositiveIntegerField(default=0)
    min_booking_time = models.DurationField(null=True, blank=True)
    max_booking_time = models.DurationField(null=True, blank=True)
    min_cancel_time = models.DurationField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["application", "graph", "start"], name="booking_app_graph_start"),
            models.Index(fields=["owner_booking", "state"], name="booking_owner_state"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="booking_end_after_start"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="booking_seats_at_least_one"),
            models.CheckConstraint(
                condition=Q(graph__in=list(graphs.GRAPHS)), name="booking_graph_known"
            ),
            models.CheckConstraint(
                condition=Q(state__in=sorted(graphs.ALL_STATES)), name="booking_state_known"
            ),
            models.CheckConstraint(
                condition=Q(max_seats__isnull=True, taken_seats=0)
                | Q(taken_seats__lte=F("max_seats")),
                name="booking_seats_not_oversold",
            ),
            models.CheckConstraint(
                condition=~Q(graph=graphs.GROUP_OWNER) | Q(max_seats__gte=1),
                name="booking_class_has_max_seats",
            ),
            models.CheckConstraint(
                condition=~Q(graph=graphs.GROUP_CUSTOMER) | Q(owner_booking__isnull=False),
                name="booking_seat_has_class",
            ),
        ]

    def __str__(self) -> str:
        return str(self.booking_id)
