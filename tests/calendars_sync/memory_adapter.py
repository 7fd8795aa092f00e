"""An in-memory provider for the provider-agnostic sync tests: a dict-backed implementation of
`calendars_sync.providers.base.Adapter` that keeps the protocol's promises (incremental pulls by
an opaque state, full pulls on state None, expired states, series ids "series#instance",
deleted/replaced series, push channels, errors on demand).

The seam: the `memory_provider` fixture (tests/calendars_sync/conftest.py) points
`calendars_sync.providers._ADAPTERS[provider]` at `MemoryAdapter`, so `adapter_for` builds one
exactly as it builds a real adapter. Every adapter reaches the one `MemoryProvider` (module
global `WORLD`), in which tests change calendars as a person would in the provider's app.
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field, replace

from calendars_sync.providers.base import (
    SERIES_SEPARATOR,
    Credentials,
    GrantBroken,
    OutgoingEvent,
    ProviderRefused,
    Pull,
    PushChannel,
    PushUnsupported,
    RateLimited,
    RemoteCalendar,
    RemoteEvent,
    SyncStateExpired,
)


@dataclass
class MemoryCalendar:
    name: str
    primary: bool = False
    readonly: bool = False
    events: dict[str, RemoteEvent] = field(default_factory=dict)
    # (version, kind, id): kind is "upsert", "delete", "delete_series" or "replace_series".
    log: list[tuple[int, str, str]] = field(default_factory=list)
    expired_before: int = 0  # states older than this version are refused (410 Gone)


@dataclass
class PushCall:
    remote_calendar_id: str
    callback_url: str
    channel_id: str
    token: str


class MemoryProvider:
    """One external account's calendars, and the knobs tests turn."""

    def __init__(self) -> None:
        self.calendars: dict[str, MemoryCalendar] = {}
        self.version = 0
        self.revoked = False
        self.errors: list[Exception] = []  # raised, first to last, by the next calls
        self.reverse_pages = False  # answer full pulls in reverse order
        self.push_supported = True
        # How push_renew works: in place, keeping the channel and its token (Graph's PATCH of a
        # subscription), or as a new channel with the token given (Google's new watch).
        self.renew_in_place = True
        self.channels: dict[str, str] = {}  # live channel id -> the token it carries
        self.pushes: list[PushCall] = []
        self.renewals: list[tuple[PushChannel, str]] = []
        self.stopped: list[str] = []
        self.puts: list[tuple[str, OutgoingEvent, str | None]] = []
        self.deletes: list[tuple[str, str]] = []
        self.pulls: list[tuple[str, str | None]] = []
        self.credentials: list[Credentials] = []
        self._ids = itertools.count(1)

    # --- what a person does in the provider's app ---
    def add_calendar(self, remote_id: str, name: str, **options) -> MemoryCalendar:
        self.calendars[remote_id] = MemoryCalendar(name=name, **options)
        return self.calendars[remote_id]

    def put(self, calendar_id: str, event: RemoteEvent) -> None:
        calendar = self.calendars[calendar_id]
        calendar.events[event.remote_id] = event
        self._log(calendar, "upsert", event.remote_id)

    def delete(self, calendar_id: str, remote_id: str) -> None:
        calendar = self.calendars[calendar_id]
        calendar.events.pop(remote_id, None)
        self._log(calendar, "delete", remote_id)

    def delete_series(self, calendar_id: str, series_id: str) -> None:
        calendar = self.calendars[calendar_id]
        for remote_id in [r for r in calendar.events if _of_series(r, series_id)]:
            del calendar.events[remote_id]
        self._log(calendar, "delete_series", series_id)

    def replace_series(self, calendar_id: str, series_id: str, instances: list[RemoteEvent]):
        calendar = self.calendars[calendar_id]
        for remote_id in [r for r in calendar.events if _of_series(r, series_id)]:
            del calendar.events[remote_id]
        for instance in instances:
            calendar.events[instance.remote_id] = instance
        self._log(calendar, "replace_series", series_id)

    def expire_states(self, calendar_id: str) -> None:
        self.calendars[calendar_id].expired_before = self.version + 1

    def _log(self, calendar: MemoryCalendar, kind: str, remote_id: str) -> None:
        self.version += 1
        calendar.log.append((self.version, kind, remote_id))

    def check(self) -> None:
        if self.revoked:
            raise GrantBroken("401 from the memory provider")
        if self.errors:
            raise self.errors.pop(0)

    def new_id(self) -> str:
        return f"mem-{next(self._ids)}"


def _of_series(remote_id: str, series_id: str) -> bool:
    return remote_id == series_id or remote_id.startswith(series_id + SERIES_SEPARATOR)


WORLD = MemoryProvider()


class MemoryAdapter:
    def __init__(self, credentials: Credentials) -> None:
        WORLD.credentials.append(credentials)
        self.world = WORLD

    def calendars(self) -> list[RemoteCalendar]:
        self.world.check()
        return [
            RemoteCalendar(remote_id, c.name, primary=c.primary, readonly=c.readonly)
            for remote_id, c in self.world.calendars.items()
        ]

    def pull(self, remote_calendar_id: str, *, state, window) -> Pull:
        self.world.pulls.append((remote_calendar_id, state))
        self.world.check()
        calendar = self.world.calendars[remote_calendar_id]
        if state is None:
            return self._full(calendar, window)
        since = int(state)
        if since < calendar.expired_before:
            raise SyncStateExpired("410 Gone")
        return self._since(calendar, since)

    def _full(self, calendar: MemoryCalendar, window) -> Pull:
        start, end = window
        events = [e for e in calendar.events.values() if _overlaps(e, start, end)]
        if self.world.reverse_pages:
            events.reverse()
        return Pull(events=events, deleted=[], full=True, state=str(self.world.version))

    def _since(self, calendar: MemoryCalendar, since: int) -> Pull:
        upserts: dict[str, RemoteEvent] = {}
        deleted, deleted_series, replaced = [], [], []
        for version, kind, remote_id in calendar.log:
            if version <= since:
                continue
            if kind in {"upsert", "delete"}:
                event = calendar.events.get(remote_id)
                upserts.pop(remote_id, None)
                if event is None:
                    deleted.append(remote_id)
                else:
                    upserts[remote_id] = event
            elif kind == "delete_series":
                deleted_series.append(remote_id)
            else:
                replaced.append(remote_id)
                upserts.update(
                    (r, e) for r, e in calendar.events.items() if _of_series(r, remote_id)
                )
        return Pull(
            events=list(upserts.values()),
            deleted=deleted,
            full=False,
            state=str(self.world.version),
            deleted_series=deleted_series,
            replaced_series=replaced,
        )

    def event_put(self, remote_calendar_id: str, event: OutgoingEvent, *, remote_id) -> str:
        self.world.check()
        self.world.puts.append((remote_calendar_id, event, remote_id))
        remote_id = remote_id or self.world.new_id()
        self.world.put(
            remote_calendar_id,
            RemoteEvent(
                remote_id=remote_id,
                start=event.start,
                end=event.end,
                summary=event.summary,
                description=event.description,
                location=event.location,
                tzid=event.tzid,
                transparent=event.transparent,
            ),
        )
        return remote_id

    def event_delete(self, remote_calendar_id: str, remote_id: str) -> None:
        self.world.check()
        self.world.deletes.append((remote_calendar_id, remote_id))
        self.world.delete(remote_calendar_id, remote_id)

    def push_start(self, remote_calendar_id: str, *, callback_url, channel_id, token):
        self.world.check()
        if not self.world.push_supported:
            raise PushUnsupported("no push here")
        self.world.pushes.append(PushCall(remote_calendar_id, callback_url, channel_id, token))
        self.world.channels[channel_id] = token
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
        return PushChannel(
            channel_id=channel_id, resource_id=f"res-{channel_id}", expires_at=expires_at
        )

    def push_renew(self, channel: PushChannel, *, remote_calendar_id, callback_url, token):
        self.world.check()
        self.world.renewals.append((channel, token))
        if channel.channel_id not in self.world.channels:
            raise ProviderRefused("404 unknown subscription")
        if self.world.renew_in_place:
            return replace(channel, expires_at=channel.expires_at + dt.timedelta(days=7))
        renewed = PushChannel(
            channel_id=f"{channel.channel_id}-r",
            resource_id=channel.resource_id,
            expires_at=channel.expires_at + dt.timedelta(days=7),
        )
        self.world.channels[renewed.channel_id] = token
        self.push_stop(channel)
        return renewed

    def push_stop(self, channel: PushChannel) -> None:
        self.world.stopped.append(channel.channel_id)
        self.world.channels.pop(channel.channel_id, None)
        self.world.check()


def _overlaps(event: RemoteEvent, start: dt.datetime, end: dt.datetime) -> bool:
    if isinstance(event.start, dt.datetime):
        return event.start < end and event.end > start
    return event.start < end.date() and event.end > start.date()


def rate_limited(seconds: float | None = None) -> RateLimited:
    return RateLimited("429 Too Many Requests", retry_after=seconds)
