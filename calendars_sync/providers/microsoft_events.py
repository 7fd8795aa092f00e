"""Graph's JSON <-> the adapters' types, for the Microsoft adapter (calendars_sync/providers/
microsoft.py): calendarView delta pages into a `Pull` (with the sync state), our `OutgoingEvent`
as the SDK's `Event` model, a subscription answer as a `PushChannel`, Graph's time formats.

Sync state: JSON {"deltaLink": url, "instances": {occurrence id: series master id}}. A removed
occurrence arrives with its own id only, so the map turns it back into the remote id we gave it
(f"{seriesMasterId}#{occurrence id}"); it holds occurrences only (single events need no entry).
"""

import datetime as dt
import json
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event
from msgraph.generated.models.free_busy_status import FreeBusyStatus
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.location import Location

from calendars_sync.providers.base import (
    SERIES_SEPARATOR,
    OutgoingEvent,
    ProviderRefused,
    Pull,
    PushChannel,
    RemoteEvent,
)

GRAPH_TIME = "%Y-%m-%dT%H:%M:%S"


class Collector:
    """Turns delta pages into a Pull, keeping the occurrence -> series map for removals."""

    def __init__(self, instances: dict[str, str]) -> None:
        self.instances = instances
        self.events: list[RemoteEvent] = []
        self.deleted: list[str] = []
        self.deleted_series: list[str] = []

    def add(self, items: list[dict]) -> None:
        for item in items:
            item_id = item["id"]
            kind = item.get("type")
            if kind in ("occurrence", "exception") and item.get("seriesMasterId"):
                self.instances[item_id] = item["seriesMasterId"]
            if "@removed" in item or item.get("isCancelled"):
                self.remove(item_id)
            elif kind != "seriesMaster":  # a master's occurrences arrive expanded
                self.events.append(remote_event(item, self.remote_id(item_id)))

    def remote_id(self, item_id: str) -> str:
        series = self.instances.get(item_id)
        return f"{series}{SERIES_SEPARATOR}{item_id}" if series else item_id

    def remove(self, item_id: str) -> None:
        if item_id in self.instances:
            self.deleted.append(self.remote_id(item_id))
            del self.instances[item_id]
        else:  # a single event or a whole series
            self.deleted.append(item_id)
            self.deleted_series.append(item_id)

    def result(self, *, full: bool, delta_link: str) -> Pull:
        state = json.dumps({"deltaLink": delta_link, "instances": self.instances})
        return Pull(
            events=self.events,
            deleted=self.deleted,
            full=full,
            state=state,
            deleted_series=self.deleted_series,
        )


def remote_event(item: dict, remote_id: str) -> RemoteEvent:
    all_day = bool(item.get("isAllDay"))
    show_as = item.get("showAs") or "busy"
    return RemoteEvent(
        remote_id=remote_id,
        start=graph_instant(item.get("start"), all_day),
        end=graph_instant(item.get("end"), all_day),
        summary=item.get("subject") or "",
        description=(item.get("body") or {}).get("content") or "",
        location=(item.get("location") or {}).get("displayName") or "",
        tzid=iana(item.get("originalStartTimeZone")),
        transparent=show_as == "free",
        status="tentative" if show_as == "tentative" else "confirmed",
    )


def graph_instant(value: dict | None, all_day: bool) -> dt.datetime | dt.date:
    """ "2026-12-01T09:00:00.0000000" in `timeZone` (UTC, as we ask) -> aware; all-day -> date."""
    text = (value or {}).get("dateTime")
    if not text:
        raise ProviderRefused("Graph sent an event without start/end")
    if all_day:
        return dt.date.fromisoformat(text[:10])
    return dt.datetime.fromisoformat(text[:19]).replace(
        tzinfo=zone_of(value.get("timeZone") or "UTC")
    )


@lru_cache(maxsize=256)
def iana(name: str | None) -> str | None:
    """Graph's originalStartTimeZone when it is an IANA name (it may be a Windows name)."""
    if not name or "/" not in name or name.startswith("tzone:"):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


@lru_cache(maxsize=256)
def zone_of(name: str) -> dt.tzinfo:
    if name.upper() in ("UTC", "ETC/UTC", "GMT"):
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ProviderRefused(f"Graph sent an unknown time zone {name!r}") from error


def outgoing(event: OutgoingEvent) -> Event:
    """Our event as Graph's: dateTime in the event's own zone (Graph takes IANA names, and
    "UTC"); an all-day event starts and ends at midnight, as Graph requires."""
    all_day = not isinstance(event.start, dt.datetime)
    zone = "UTC" if event.tzid in ("Etc/UTC", "UTC", "Etc/GMT", "GMT") else event.tzid

    def when(value: dt.datetime | dt.date) -> DateTimeTimeZone:
        if isinstance(value, dt.datetime):
            local = value.astimezone(zone_of(zone))
            return DateTimeTimeZone(date_time=local.strftime(GRAPH_TIME), time_zone=zone)
        return DateTimeTimeZone(date_time=f"{value.isoformat()}T00:00:00", time_zone=zone)

    return Event(
        subject=event.summary,
        body=ItemBody(content_type=BodyType.Text, content=event.description),
        start=when(event.start),
        end=when(event.end),
        is_all_day=all_day,
        show_as=FreeBusyStatus.Free if event.transparent else FreeBusyStatus.Busy,
        location=Location(display_name=event.location),
    )


def channel_of(saved: dict) -> PushChannel:
    if not saved.get("id"):
        raise ProviderRefused("Graph created no subscription")
    return PushChannel(
        channel_id=saved["id"],
        resource_id=saved.get("resource") or "",
        expires_at=parse_instant(saved["expirationDateTime"]),
    )


def parse_instant(value: str) -> dt.datetime:
    """Graph's DateTimeOffset ("2026-12-04T10:00:00Z", maybe with 7 decimals) -> aware."""
    text = value.replace("Z", "+00:00")
    if "." in text:  # Python reads at most 6 decimals
        head, _, tail = text.partition(".")
        digits = "".join(c for c in tail if c.isdigit())
        text = f"{head}.{digits[:6]}{tail[len(digits) :]}"
    parsed = dt.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def read_state(state: str | None) -> tuple[str | None, dict[str, str]]:
    if not state:
        return None, {}
    try:
        stored = json.loads(state)
    except ValueError:
        return state, {}  # a bare deltaLink
    return stored.get("deltaLink"), stored.get("instances") or {}


def iso_utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
