import datetime as dt

from django.db import models
from django.db.models import F, Q

from scheduling.ids import new_public_id
from scheduling.models.applications import Application
from scheduling.models.calendars import Calendar


class Event(models.Model):
    """An event in a calendar. `start`/`end` are UTC instants, also for all-day events.

    All-day events keep their dates (`start_date`, exclusive `end_date`) as given; `start`/`end`
    hold local midnight of those dates in the event's `start_tzid`, so range queries and the
    availability engine treat them like any other block of time.

    A managed event belongs to the application that created it through the API (`application`),
    which addresses it by its own `event_id`; to every other application it is an ordinary
    (external) event. External events (synced or otherwise not created through the API) have
    neither an application nor an event_id; a synced event carries its source's id
    (`external_id`), by which sync finds it again.

    Construct events with `Event.new()`: it sets the public uid, the ever-hull and the timestamps.
    """

    class Transparency(models.TextChoices):
        OPAQUE = "opaque"
        TRANSPARENT = "transparent"

    class Status(models.TextChoices):
        CONFIRMED = "confirmed"
        TENTATIVE = "tentative"
        CANCELLED = "cancelled"

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="events")
    event_uid = models.CharField(max_length=40, unique=True)
    # The application managing the event; NULL for external events.
    application = models.ForeignKey(
        Application,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="managed_events",
    )
    # The managing application's id for the event (its upsert key within the calendar).
    event_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 (NULL: no id)
    # The id the event has in the external calendar it was synced from (sync's upsert key).
    external_id = models.CharField(max_length=1024, null=True, blank=True)  # noqa: DJ001
    summary = models.CharField(max_length=1024, blank=True, default="")
    description = models.TextField(blank=True, default="")
    start = models.DateTimeField()
    end = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    start_tzid = models.CharField(max_length=64, default="Etc/UTC")
    end_tzid = models.CharField(max_length=64, default="Etc/UTC")
    location_description = models.CharField(max_length=1024, blank=True, default="")
    location_lat = models.CharField(max_length=32, blank=True, default="")
    location_long = models.CharField(max_length=32, blank=True, default="")
    transparency = models.CharField(
        max_length=16, choices=Transparency.choices, default=Transparency.OPAQUE
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    deleted = models.BooleanField(default=False)
    # The hull of every span the event has occupied, for `include_moved` reads.
    ever_start = models.DateTimeField()
    ever_end = models.DateTimeField()
    # Set by services (not auto_now) so that `now` can be passed in; used by last_modified reads.
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(name="event_end_after_start", condition=Q(end__gt=F("start"))),
            models.UniqueConstraint(
                fields=["calendar", "application", "event_id"],
                condition=Q(event_id__isnull=False),
                name="unique_event_id_per_calendar_application",
            ),
            # event_id is the managing application's key: managed events have one, others none.
            models.CheckConstraint(
                name="event_id_iff_managed",
                condition=Q(application__isnull=True, event_id__isnull=True)
                | Q(application__isnull=False, event_id__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["calendar", "external_id"],
                condition=Q(external_id__isnull=False),
                name="unique_external_id_per_calendar",
            ),
            # A synced event belongs to its source, never to an application.
            models.CheckConstraint(
                name="external_id_only_on_external_events",
                condition=Q(external_id__isnull=True) | Q(application__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["calendar", "start"], name="event_calendar_start"),
            models.Index(fields=["calendar", "updated_at"], name="event_calendar_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id or self.event_uid} {self.summary}".strip()

    @classmethod
    def new(
        cls,
        *,
        calendar: Calendar,
        start: dt.datetime,
        end: dt.datetime,
        now: dt.datetime,
        **fields,
    ) -> "Event":
        """An unsaved event with a fresh public `event_uid`, its ever-hull set to its span and
        both timestamps set to `now`: the one constructor for services, factories and benches."""
        return cls(
            calendar=calendar,
            event_uid=new_public_id("evt"),
            start=start,
            end=end,
            ever_start=start,
            ever_end=end,
            created_at=now,
            updated_at=now,
            **fields,
        )
