"""The calendar half of the fake Microsoft Graph (tests/fakes/microsoft.py): stored events,
recurrence expansion in the series' own time zone, Graph's `event` resource as the fake renders it,
POST/PATCH bodies read back into events, and the calendarView delta rounds. No HTTP here; the
caller holds the fake's lock.

As Microsoft documents (https://learn.microsoft.com/graph/api/resources/event,
https://learn.microsoft.com/graph/delta-query-events):
- calendarView expands a series master (a daily or weekly `patternedRecurrence`) into occurrences
  with `seriesMasterId` and `originalStart`, ids `{series}_{local date}`; a cancelled occurrence
  leaves the view;
- a delta round pages with @odata.nextLink ($skiptoken) and ends in @odata.deltaLink
  ($deltatoken); the next round from that link lists what changed since, removals as
  {"id", "@removed": {"reason": "deleted"}}; an unknown token answers 410 SyncStateNotFound.
"""

import datetime as dt
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from tests.fakes.microsoft import FakeGraph

UTC = dt.UTC
MAX_PAGE = 1000
DEFAULT_PAGE = 10
GRAPH_TIME = "%Y-%m-%dT%H:%M:%S.0000000"
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass
class Event:
    id: str
    calendar_id: str
    start: dt.datetime  # aware, in `tz` (midnight for all-day events)
    end: dt.datetime
    tz: str = "UTC"
    subject: str = ""
    body: str = ""
    location: str = ""
    show_as: str = "busy"
    all_day: bool = False
    is_cancelled: bool = False
    recurrence: dict | None = None
    cancelled: set[str] = field(default_factory=set)  # cancelled occurrence ids
    version: int = 1
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(UTC))


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def graph_time(value: dt.datetime, zone: str) -> dict:
    local = value.astimezone(dt.UTC if zone == "UTC" else ZoneInfo(zone))
    return {"dateTime": local.isoformat()[:19] + ".0000000", "timeZone": zone}


def parse_graph_time(value: dict) -> tuple[dt.datetime, str]:
    """{"dateTime": "2026-12-01T09:00:00[.0000000]", "timeZone": "Europe/London"} -> aware."""
    zone = value.get("timeZone") or "UTC"
    local = dt.datetime.fromisoformat(value["dateTime"][:19])
    return local.replace(tzinfo=ZoneInfo(zone)), zone


def weekly(
    start_date: dt.date,
    days: tuple[str, ...] = (),
    *,
    interval: int = 1,
    count: int | None = None,
    end_date: dt.date | None = None,
    zone: str = "UTC",
) -> dict:
    """A Graph `patternedRecurrence` for a weekly series (days default to start_date's weekday)."""
    range_: dict[str, Any] = {"type": "noEnd", "startDate": start_date.isoformat()}
    if count:
        range_ |= {"type": "numbered", "numberOfOccurrences": count}
    elif end_date:
        range_ |= {"type": "endDate", "endDate": end_date.isoformat()}
    return {
        "pattern": {
            "type": "weekly",
            "interval": interval,
            "daysOfWeek": list(days) or [DAYS[start_date.weekday()]],
            "firstDayOfWeek": "sunday",
        },
        "range": range_ | {"recurrenceTimeZone": zone},
    }


def occurrence_dates(recurrence: dict, until: dt.date) -> Iterator[dt.date]:
    """The dates of a daily/weekly pattern, from range.startDate up to `until` (inclusive)."""
    pattern, range_ = recurrence["pattern"], recurrence["range"]
    first = dt.date.fromisoformat(range_["startDate"])
    if range_["type"] == "endDate":
        until = min(until, dt.date.fromisoformat(range_["endDate"]))
    left = range_.get("numberOfOccurrences") if range_["type"] == "numbered" else None
    interval = int(pattern.get("interval") or 1)
    days = {DAYS.index(day.lower()) for day in pattern.get("daysOfWeek") or []}
    week_zero = first - dt.timedelta(days=(first.weekday() + 1) % 7)  # weeks start on Sunday
    day = first
    while day <= until and (left is None or left > 0):
        if pattern["type"] == "daily":
            hit = (day - first).days % interval == 0
        else:
            hit = day.weekday() in days and ((day - week_zero).days // 7) % interval == 0
        if hit:
            if left is not None:
                left -= 1
            yield day
        day += dt.timedelta(days=1)


# --- what Graph answers (under the fake's lock) ---
def window_items(
    events: dict[str, Event], calendar_id: str, start: dt.datetime, end: dt.datetime
) -> list[dict]:
    """calendarView: single events and expanded occurrences overlapping [start, end)."""
    items = []
    for event in list(events.values()):
        if event.calendar_id != calendar_id:
            continue
        if event.recurrence:
            items.extend(occurrences(event, start, end))
        elif event.start < end and event.end > start:
            items.append({"event": event, "id": event.id, "start": event.start})
    return items


def occurrences(master: Event, start: dt.datetime, end: dt.datetime) -> list[dict]:
    zone, duration = ZoneInfo(master.tz), master.end - master.start
    until = end.astimezone(zone).date()
    found = []
    for day in occurrence_dates(master.recurrence or {}, until):
        begins = dt.datetime.combine(day, master.start.timetz(), tzinfo=zone)
        instance_id = occurrence_id(master.id, day)
        if instance_id in master.cancelled or not (begins < end and begins + duration > start):
            continue
        found.append({"event": master, "id": instance_id, "start": begins})
    return found


def occurrence_id(series_id: str, day: dt.date) -> str:
    return f"{series_id}_{day:%Y%m%d}"


def render(item: dict, zone: str) -> dict:
    """An item of calendarView as Graph's `event` resource (a part of its properties)."""
    event: Event = item["event"]
    start = item["start"]
    end = start + (event.end - event.start)
    if event.all_day:
        times = [
            {"dateTime": f"{t.date()}T00:00:00.0000000", "timeZone": zone} for t in (start, end)
        ]
    else:
        times = [graph_time(start, zone), graph_time(end, zone)]
    occurrence = event.recurrence is not None
    return {
        "@odata.type": "#microsoft.graph.event",
        "@odata.etag": f'W/"{event.version}"',
        "id": item["id"],
        "createdDateTime": event.created.isoformat()[:19] + "Z",
        "changeKey": str(event.version),
        "originalStartTimeZone": event.tz,
        "originalEndTimeZone": event.tz,
        "iCalUId": "040000008200E" + event.id,
        "subject": event.subject,
        "bodyPreview": event.body[:255],
        "body": {"contentType": "text", "content": event.body},
        "isAllDay": event.all_day,
        "isCancelled": event.is_cancelled,
        "showAs": event.show_as,
        "type": "occurrence" if occurrence else "singleInstance",
        "seriesMasterId": event.id if occurrence else None,
        "originalStart": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if occurrence
        else None,
        "start": times[0],
        "end": times[1],
        "location": {"displayName": event.location},
        "recurrence": None,
    }


def render_master(event: Event) -> dict:
    """GET /me/events/{id} of a stored event (a series master keeps its recurrence)."""
    item = render({"event": event, "id": event.id, "start": event.start}, event.tz)
    kind = "seriesMaster" if event.recurrence else "singleInstance"
    return item | {
        "type": kind,
        "seriesMasterId": None,
        "originalStart": None,
        "recurrence": event.recurrence,
    }


# --- calendarView delta rounds ---
def parse_prefer(header: str) -> tuple[int, str]:
    """`Prefer: odata.maxpagesize=N, outlook.timezone="Zone"` -> (page size, zone)."""
    size = re.search(r"odata\.maxpagesize=(\d+)", header)
    zone = re.search(r'outlook\.timezone="([^"]+)"', header)
    page = min(int(size.group(1)), MAX_PAGE) if size else DEFAULT_PAGE
    return max(page, 1), zone.group(1) if zone else "UTC"


def delta(fake: "FakeGraph", email: str, calendar_id: str, query: dict, prefer: str) -> dict:
    """calendarView delta: a round of pages ($skiptoken) ending in a deltaLink ($deltatoken)."""
    page_size, zone = parse_prefer(prefer)
    if "$skiptoken" in query:
        round_ = fake.skip_tokens.get(query["$skiptoken"])
    elif "$deltatoken" in query:
        base = fake.delta_tokens.get(query["$deltatoken"])
        round_ = base and changes_since(fake, base, zone)
    else:
        if not (query.get("startDateTime") and query.get("endDateTime")):
            raise GraphError(
                400, "ErrorInvalidParameter", "startDateTime and endDateTime are required."
            )
        window = (parse_instant(query["startDateTime"]), parse_instant(query["endDateTime"]))
        items = window_items(fake.events, calendar_id, *window)
        round_ = {
            "calendar": calendar_id,
            "window": window,
            "pending": [render(item, zone) for item in items],
            "snapshot": {item["id"]: item["event"].version for item in items},
        }
    if not round_ or round_["calendar"] != calendar_id:
        raise GraphError(410, "SyncStateNotFound", "The sync state generation is not found.")
    page, rest = round_["pending"][:page_size], round_["pending"][page_size:]
    answer: dict[str, Any] = {"@odata.context": f"{fake.graph_url}/$metadata#Collection(event)"}
    if rest:
        token = new_token(fake.skip_tokens, round_ | {"pending": rest})
        answer["@odata.nextLink"] = link(fake, calendar_id, **{"$skiptoken": token})
    else:
        state = {k: round_[k] for k in ("calendar", "window", "snapshot")}
        answer["@odata.deltaLink"] = link(
            fake, calendar_id, **{"$deltatoken": new_token(fake.delta_tokens, state)}
        )
    return answer | {"value": page}


def changes_since(fake: "FakeGraph", base: dict, zone: str) -> dict:
    items = window_items(fake.events, base["calendar"], *base["window"])
    snapshot = {item["id"]: item["event"].version for item in items}
    old = base["snapshot"]
    pending = [render(item, zone) for item in items if old.get(item["id"]) != item["event"].version]
    pending += [
        {"id": gone, "@removed": {"reason": "deleted"}} for gone in old if gone not in snapshot
    ]
    return {k: base[k] for k in ("calendar", "window")} | {"pending": pending, "snapshot": snapshot}


def new_token(store: dict, value: dict) -> str:
    token = secrets.token_urlsafe(18)
    store[token] = value
    return token


def link(fake: "FakeGraph", calendar_id: str, **query: str) -> str:
    path = f"{fake.graph_url}/me/calendars/{calendar_id}/calendarView/delta"
    return f"{path}?{urlencode(query, safe='$')}"


# --- request bodies ---
def parse_instant(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def event_fields(data: dict, existing: Event | None) -> dict:
    """A POST/PATCH body (Graph's event resource) as put_event's keyword arguments."""
    fields: dict[str, Any] = {}
    if existing:
        fields = {
            "start": existing.start,
            "end": existing.end,
            "time_zone": existing.tz,
            "subject": existing.subject,
            "body": existing.body,
            "location": existing.location,
            "show_as": existing.show_as,
            "recurrence": existing.recurrence,
            "event_id": existing.id,
        }
    for key in ("start", "end"):
        if key in data:
            fields[key], fields["time_zone"] = parse_graph_time(data[key])
    if "start" not in fields or "end" not in fields:
        raise GraphError(400, "ErrorInvalidRequest", "start and end are required.")
    all_day = data.get("isAllDay", existing.all_day if existing else False)
    if all_day:
        if any(fields[k].timetz().replace(tzinfo=None) != dt.time() for k in ("start", "end")):
            raise GraphError(
                400, "ErrorInvalidRequest", "All-day events start and end at midnight."
            )
        fields["start"], fields["end"] = fields["start"].date(), fields["end"].date()
    simple = {"subject": "subject", "showAs": "show_as", "recurrence": "recurrence"}
    fields |= {ours: data[theirs] for theirs, ours in simple.items() if theirs in data}
    if "body" in data:
        fields["body"] = (data["body"] or {}).get("content", "")
    if "location" in data:
        fields["location"] = (data["location"] or {}).get("displayName", "")
    return fields
