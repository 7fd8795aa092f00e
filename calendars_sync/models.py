"""Connections of accounts to external calendar accounts, the calendars they sync and the
mapping of written-back events.

A connection belongs to one account (a person's `acc_` or a resource's `res_`) and one external
account at one provider. Its calendars appear in the core as calendars of a core `Profile`
(`provider_name` google, live_connect, caldav or ics), so `/v1/profiles` and `/v1/calendars`
list them and their events are ordinary external events (`Event.external_id` = the provider's
id), which the availability engine reads like any other busy time.
"""

from django.db import models
from django.db.models import Q

from scheduling.models import Account, Calendar, Event, Profile
from scheduling.models.base import TimestampedModel


class Provider(models.TextChoices):
    GOOGLE = "google", "Google"
    MICROSOFT = "microsoft", "Microsoft 365 / Outlook"
    CALDAV = "caldav", "CalDAV"
    ICS = "ics", "ICS feed"


# The core profile's provider_name for each provider (Cronofy's names where it has one).
PROFILE_PROVIDER_NAMES = {
    Provider.GOOGLE: "google",
    Provider.MICROSOFT: "live_connect",
    Provider.CALDAV: "caldav",
    Provider.ICS: "ics",
}


class Connection(TimestampedModel):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for authorization"
        ACTIVE = "active", "Active"
        BROKEN = "broken", "Broken (reconnect needed)"
        DISCONNECTED = "disconnected", "Disconnected"

    connection_id = models.CharField(max_length=40, unique=True)  # con_...
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sync_connections")
    provider = models.CharField(max_length=16, choices=Provider.choices)
    # The external account: an e-mail address (Google, Microsoft), a user name at a server
    # (CalDAV) or the feed URL (ICS). With the provider, the key a reconnect finds again.
    external_account = models.CharField(max_length=1024)
    profile = models.OneToOneField(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="sync_connection"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    # JSON of the provider credentials (OAuth tokens and expiry, CalDAV URL/user/password, feed
    # URL), encrypted with the core's keys (scheduling.credentials). Never logged, never shown.
    secrets_encrypted = models.TextField(blank=True, default="")
    # Whether the account's own events written through the API or by bookings are copied into
    # the external account's primary calendar (OnSched: bookings are posted to the resource's
    # connected calendar). Read-only providers (ICS) never write.
    write_back = models.BooleanField(default=True)
    # Whether the synced calendars' events count as busy time (copied to each core calendar's
    # counts_as_busy; OnSched's calendarAvailability 0 turns it off).
    counts_as_busy = models.BooleanField(default=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    failures = models.PositiveIntegerField(default=0)
    # No pull before this instant (backoff after 429/5xx, honouring Retry-After).
    retry_after = models.DateTimeField(null=True, blank=True)
    # The next scheduled poll (CalDAV, ICS; a safety net for missed pushes elsewhere).
    next_poll_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["account_id", "provider", "external_account", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "provider", "external_account"],
                name="one_connection_per_external_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.connection_id} {self.provider}:{self.external_account}"


class SyncedCalendar(TimestampedModel):
    """One external calendar of a connection, mirrored into one core calendar."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="calendars")
    calendar = models.OneToOneField(Calendar, on_delete=models.CASCADE, related_name="synced")
    remote_id = models.CharField(max_length=1024)
    remote_primary = models.BooleanField(default=False)
    # The provider's incremental state: Google syncToken, Graph deltaLink, CalDAV sync-token
    # (or ctag), ICS ETag/Last-Modified. Empty: the next pull is a full one.
    sync_state = models.TextField(blank=True, default="")
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    # The last full pull of the window: incremental pulls report changes, not recurrence instances
    # that move into the window as days pass, so the calendar is pulled in full again daily.
    full_pulled_at = models.DateTimeField(null=True, blank=True)
    # Push channel (Google watch channel / Graph subscription), when the provider has one.
    push_channel_id = models.CharField(max_length=255, blank=True, default="")
    push_resource_id = models.CharField(max_length=1024, blank=True, default="")
    push_token_hash = models.CharField(max_length=64, blank=True, default="")
    push_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["connection_id", "-remote_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "remote_id"], name="unique_remote_calendar_per_connection"
            ),
        ]
        indexes = [
            models.Index(fields=["push_channel_id"], name="synced_calendar_push_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.calendar_id} <- {self.remote_id}"


class EventLink(TimestampedModel):
    """A local event written back into an external calendar: where it went, so that updates and
    deletes follow it and the next pull recognises it as ours (no echo, no duplicate)."""

    synced_calendar = models.ForeignKey(
        SyncedCalendar, on_delete=models.CASCADE, related_name="event_links"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sync_links")
    remote_id = models.CharField(max_length=1024)
    # The event's updated_at when it was last written out: a write-back with the same stamp is a
    # repeat and is skipped.
    written_version = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["synced_calendar_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["synced_calendar", "event"], name="one_link_per_event_and_calendar"
            ),
            models.UniqueConstraint(
                fields=["synced_calendar", "remote_id"],
                condition=~Q(remote_id=""),
                name="unique_remote_event_per_calendar",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.remote_id}"


class SetupResource(TimestampedModel):
    """The OnSched-shaped side of a resource (`/setup/v1/resources`): its fields that the core
    account does not hold, and which external calendar counts for its availability."""

    class CalendarAvailability(models.IntegerChoices):
        LOCAL = 0, "Local calendar only"
        GOOGLE = 1, "Google calendar too"
        OUTLOOK = 2, "Outlook calendar too"

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="setup_resource")
    description = models.TextField(blank=True, default="")
    # The rest of OnSched's resource body (contact, address, customFields, other options), kept
    # as given and echoed back.
    extra = models.JSONField(default=dict, blank=True)
    calendar_availability = models.PositiveSmallIntegerField(
        choices=CalendarAvailability.choices, default=CalendarAvailability.LOCAL
    )
    google_calendar_id = models.CharField(max_length=254, blank=True, default="")
    outlook_calendar_id = models.CharField(max_length=254, blank=True, default="")
    google_auth_return_url = models.URLField(max_length=2000, blank=True, default="")
    outlook_auth_return_url = models.URLField(max_length=2000, blank=True, default="")
    deleted = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"setup {self.account_id}"


class SetupToken(TimestampedModel):
    """A Bearer token from OnSched's client-credentials `POST /connect/token`, stored hashed."""

    token_hash = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(
        "scheduling.Application", on_delete=models.CASCADE, related_name="setup_tokens"
    )
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-expires_at", "id"]

    def __str__(self) -> str:
        return f"setup token of {self.application_id}"
