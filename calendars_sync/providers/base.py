"""The one small interface every provider adapter implements; the sync service knows no more.

Adapters speak to the provider through its real client library (google-api-python-client,
msgraph-sdk, caldav, an HTTP GET for ICS feeds), at the base URLs the settings give, and turn its
answers into the plain values below. They hold no database state: the service passes the stored
sync state in and stores the one that comes back. Times are aware datetimes (any zone) or, for
all-day events, dates; the service converts.

Errors are the exceptions below, whatever the provider said: the service decides what follows
(restart a full pull, mark the connection broken, back off).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Credentials:
    """What an adapter needs to reach the external account. OAuth providers get a fresh
    `access_token` (the service refreshes it before the call); CalDAV gets url/username/password;
    ICS gets url (and optional username/password for feeds behind basic auth)."""

    access_token: str = ""
    url: str = ""
    username: str = ""
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class RemoteCalendar:
    remote_id: str
    name: str
    primary: bool = False
    readonly: bool = False


SERIES_SEPARATOR = "#"


@dataclass(frozen=True)
class RemoteEvent:
    """One event (one instance of a recurring event: recurrences arrive expanded within the
    pull's window, each instance with its own stable id) as the provider holds it.

    Ids: a single event's `remote_id` is its provider id, which is also its series id. An instance
    of a recurring series has `remote_id = f"{series_id}#{instance key}"` (the instance key: the
    provider's instance id or the instance's original start, e.g. RECURRENCE-ID in UTC), so that
    the service can drop every stored instance of a series by its series id."""

    remote_id: str
    start: dt.datetime | dt.date  # a date for all-day events (end exclusive)
    end: dt.datetime | dt.date
    summary: str = ""
    description: str = ""
    location: str = ""
    tzid: str | None = None  # the event's IANA zone, when the provider names one
    transparent: bool = False  # free time (Google transparency, Graph showAs=free, TRANSP)
    status: str = "confirmed"  # confirmed | tentative | cancelled


@dataclass(frozen=True)
class Pull:
    """What changed since `state`. With `full`, `events` is everything in the window and any
    stored event missing from it is gone; otherwise `events` are upserts and `deleted` the
    provider ids removed (a cancelled instance is a deletion). `state` is the new sync state
    (opaque to the service; adapters may keep JSON in it)."""

    events: list[RemoteEvent]
    deleted: list[str]
    full: bool
    state: str
    # Series (a single event's id, or a recurring series' id) whose every stored instance is gone.
    deleted_series: list[str] = field(default_factory=list)
    # Series given whole in `events`: stored instances of them that `events` lacks are gone
    # (a changed recurring object re-read from CalDAV, an edited Google series).
    replaced_series: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OutgoingEvent:
    """A local event to write into the external calendar."""

    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    description: str = ""
    location: str = ""
    tzid: str = "Etc/UTC"
    transparent: bool = False
    uid: str = ""  # a stable id of ours (iCalendar UID for CalDAV)


@dataclass(frozen=True)
class PushChannel:
    channel_id: str
    resource_id: str
    expires_at: dt.datetime


class SyncError(Exception):
    """Base of the adapters' errors."""


class SyncStateExpired(SyncError):
    """The stored sync state is no longer valid (Google 410 Gone, Graph 410/resync, CalDAV
    invalid sync-token): pull again from scratch with state None."""


class GrantBroken(SyncError):
    """The provider refuses the credentials (401, invalid_grant, revoked): reconnect needed."""


class RateLimited(SyncError):
    """429 or 5xx: try again later, not before `retry_after` seconds when the provider said."""

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProviderRefused(SyncError):
    """Any other refusal (bad URL, not a calendar, 4xx on a write): recorded, not retried soon."""


class PushUnsupported(SyncError):
    """The provider (or this calendar) offers no push: polling covers it."""


class Adapter(Protocol):
    """One external account, reached with `credentials`."""

    def calendars(self) -> list[RemoteCalendar]:
        """Every calendar of the external account (raises GrantBroken on refused credentials)."""
        ...

    def pull(
        self, remote_calendar_id: str, *, state: str | None, window: tuple[dt.datetime, dt.datetime]
    ) -> Pull:
        """Events changed since `state` (None: a full pull of `window`, recurrences expanded
        within it). Follows the provider's paging itself."""
        ...

    def event_put(
        self, remote_calendar_id: str, event: OutgoingEvent, *, remote_id: str | None
    ) -> str:
        """Create (remote_id None) or replace the event; returns its provider id."""
        ...

    def event_delete(self, remote_calendar_id: str, remote_id: str) -> None:
        """Delete it; an event already gone is no error."""
        ...

    def push_start(
        self, remote_calendar_id: str, *, callback_url: str, channel_id: str, token: str
    ) -> PushChannel:
        """Ask the provider to POST to `callback_url` on changes (Google watch, Graph
        subscription), carrying `token` (Google channel token, Graph clientState) for us to
        verify. PushUnsupported when it has none."""
        ...

    def push_renew(
        self, channel: PushChannel, *, remote_calendar_id: str, callback_url: str, token: str
    ) -> PushChannel:
        """Extend the channel before it expires (Graph PATCH; Google: a new watch)."""
        ...

    def push_stop(self, channel: PushChannel) -> None:
        """Stop the channel; one already gone is no error."""
        ...


AdapterFactory = Callable[[Credentials], Adapter]
