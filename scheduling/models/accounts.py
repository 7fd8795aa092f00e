from django.conf import settings
from django.db import models
from django.db.models import Q

from scheduling.models.applications import Application
from scheduling.models.base import TimestampedModel


class Account(TimestampedModel):
    """Anything that can take part in a schedule: a person, an application calendar, a resource."""

    class Kind(models.TextChoices):
        USER = "user", "User account"
        APPLICATION_CALENDAR = "application_calendar", "Application calendar"
        RESOURCE = "resource", "Resource"

    SUB_PREFIXES = {Kind.USER: "acc", Kind.APPLICATION_CALENDAR: "apc", Kind.RESOURCE: "res"}

    sub = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # The application that created an application calendar or resource. User accounts belong to
    # a person and are shared with every application they authorize (see Grant).
    application = models.ForeignKey(
        Application,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="owned_accounts",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scheduling_account",
    )
    application_calendar_id = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=200, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    default_tzid = models.CharField(max_length=64, default="Etc/UTC")
    # Seed 000 built in: the events of this calendar (one of the account's own) are the
    # account's available periods, kept in step as they change; they are not busy time.
    availability_calendar = models.ForeignKey(
        "scheduling.Calendar",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["sub"]
        constraints = [
            models.CheckConstraint(
                name="account_user_iff_user_kind",
                condition=(Q(kind="user") & Q(user__isnull=False))
                | (~Q(kind="user") & Q(user__isnull=True)),
            ),
            models.CheckConstraint(
                name="account_owned_unless_user",
                condition=Q(kind="user") | Q(application__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["application", "application_calendar_id"],
                condition=Q(kind="application_calendar"),
                name="unique_application_calendar_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sub} {self.name}".strip()


class Profile(TimestampedModel):
    """A connection of an account to a calendar provider. `cronofy`: calendars kept here (the
    name Cronofy gives the calendars it hosts)."""

    profile_id = models.CharField(max_length=40, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="profiles")
    provider_name = models.CharField(max_length=32, default="cronofy")
    profile_name = models.CharField(max_length=200)
    connected = models.BooleanField(default=True)

    class Meta:
        ordering = ["account_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.profile_id} ({self.provider_name})"
