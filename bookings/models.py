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
    # Timekit's other booking fields: the project it was made through (its settings apply), the
    # customer's id and extra fields (phone, comment, custom keys), free `meta`, and the booking
    # a reschedule replaced.
    project = models.ForeignKey(
        "Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    customer_id = models.UUIDField(default=uuid.uuid4, editable=False)
    customer_extra = models.JSONField(default=dict, blank=True)
    meta = models.JSONField(default=dict, blank=True)
    rescheduled_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_to"
    )

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["application", "graph", "start"], name="booking_app_graph_start"),
            models.Index(fields=["account", "start"], name="booking_account_start"),
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


class BookingTransition(models.Model):
    """A booking entering a state (its creation included, with an empty `action` and
    `from_state`): the audit trail, and what mails and webhooks are sent from
    (bookings/transitions.py)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=32, blank=True, default="")
    from_state = models.CharField(max_length=32, blank=True, default="")
    to_state = models.CharField(max_length=32)
    message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.from_state or '-'} -> {self.to_state}"


class Project(TimestampedModel):
    """A Timekit project (reference 1.6): an event type or booking page that glues resources,
    availability settings, booking settings (graph, action, settings), customer fields and UI
    options. Settings are kept as validated JSON in Timekit's own shape, the one the widget reads
    back from /v2/projects/embed/{id}."""

    project_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    availability = models.JSONField(default=dict, blank=True)
    availability_constraints = models.JSONField(default=list, blank=True)
    booking = models.JSONField(default=dict, blank=True)
    customer_fields = models.JSONField(default=dict, blank=True)
    ui = models.JSONField(default=dict, blank=True)
    resources = models.ManyToManyField(
        Account, through="ProjectResource", related_name="projects", blank=True
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class ProjectResource(models.Model):
    """A project's resource, in order (roundrobin_prioritized prefers the first)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="project_resources")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "account"], name="project_resource_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.account_id}"


class ResourceSettings(TimestampedModel):
    """Timekit's resource-level settings for a core RESOURCE account: its
    `availability_constraints` (working hours, vacation), applied in every project and combined
    with the request's and the project's."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="timekit_settings"
    )
    availability_constraints = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["created_at"]


class WidgetKey(TimestampedModel):
    """An application's public key for booking.js (reference 1.1): it sits in a web page, so it is
    no secret and is stored as is; it only reaches what the widget needs (a project's embed,
    its availability, its classes, creating a booking in it)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="widget_key"
    )
    key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.key


class WaitlistEntry(TimestampedModel):
    """A visitor waiting for a seat in a full class. A freed seat is offered to the first in line
    (`offered`, with a claim link valid until `offer_expires_at`), then to the next."""

    class State(models.TextChoices):
        WAITING = "waiting"
        OFFERED = "offered"
        CLAIMED = "claimed"
        EXPIRED = "expired"
        LEFT = "left"

    entry_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    owner_booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="waitlist")
    name = models.CharField(max_length=255)
    email = models.EmailField(max_length=255)
    timezone = models.CharField(max_length=64, blank=True, default="")
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    seat = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entry"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_booking", "email"],
                condition=Q(state__in=["waiting", "offered"]),
                name="waitlist_one_active_entry_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.state})"


class BookingWebhook(TimestampedModel):
    """An application's webhook (reference 1.7): POST the booking's payload to `url`, through the
    signed outbox, whenever a booking of `graph` enters one of `states` (every state when empty)."""

    webhook_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="booking_webhooks"
    )
    url = models.URLField(max_length=2000)
    graph = models.CharField(max_length=32, choices=[(g, g) for g in graphs.GRAPHS])
    states = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.graph} -> {self.url}"
