"""The Calendar API v3 routes of the fake Google (tests/fakes/google.py): calendarList.list,
events list/get/insert/update/patch/delete/watch and channels.stop, as Google documents them
(https://developers.google.com/calendar/api/v3/reference). Each route gets the fake (its lock
held), the caller's e-mail, the path's ids, the query and the JSON body, and answers
(status, headers, body bytes) or raises ApiError.
"""

import datetime as dt
import json
import re
import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.fakes.google_calendar import ApiError, Calendar, iso, not_found

if TYPE_CHECKING:
    from tests.fakes.google import FakeGoogle

API_PREFIX = "/calendar/v3/"
MAX_PAGE = 2500  # events.list: "The page size can never be larger than 2500 events."
FILTERS_BARRED_WITH_SYNC = ("timeMin", "timeMax", "updatedMin", "q", "orderBy", "iCalUID")


@dataclass
class Channel:
    """A watch channel (events.watch): where and with which token to notify."""

    id: str
    resource_id: str
    calendar_id: str
    address: str
    token: str
    expiration: dt.datetime
    messages: int = 0


def calendar_for(
    fake: "FakeGoogle", email: str, calendar_id: str, *, write: bool = False
) -> Calendar:
    if calendar_id == "primary":
        calendar_id = fake.users[email].calendars[0]
    calendar = fake.calendars.get(calendar_id)
    if calendar is None or calendar_id not in fake.users[email].calendars:
        raise not_found()
    if write and not calendar.writable:
        message = "You need to have writer access to this calendar."
        raise ApiError(403, "requiredAccessLevel", message)
    return calendar


def page(
    fake: "FakeGoogle",
    items: list[bytes],
    *,
    page_size: int,
    offset: int,
    snapshot: str,
    sync_token: str,
) -> tuple[list[bytes], dict[str, str]]:
    """One page of a listing, and nextPageToken or (last page only) nextSyncToken."""
    chunk = items[offset : offset + page_size]
    if offset + page_size < len(items):
        fake._snapshots[snapshot] = (items, sync_token)
        while len(fake._snapshots) > 64:
            fake._snapshots.popitem(last=False)
        return chunk, {"nextPageToken": f"{snapshot}.{offset + page_size}"}
    fake._snapshots.pop(snapshot, None)
    return chunk, {"nextSyncToken": sync_token} if sync_token else {}


def paged_snapshot(fake: "FakeGoogle", page_token: str) -> tuple[list[bytes], str, str, int]:
    snapshot, _, offset = page_token.partition(".")
    if snapshot not in fake._snapshots or not offset.isdigit():
        raise ApiError(400, "invalid", "Invalid page token value.")
    items, sync_token = fake._snapshots[snapshot]
    return items, sync_token, snapshot, int(offset)


def _calendar_list(fake: "FakeGoogle", email: str, ids, query, payload) -> tuple:
    entries = [fake.calendars[c].list_entry() for c in fake.users[email].calendars]
    size = min(int(query.get("maxResults", 100)), 250)
    offset = int(query.get("pageToken") or 0)
    answer: dict[str, Any] = {
        "kind": "calendar#calendarList",
        "etag": f'"{len(entries)}"',
        "items": entries[offset : offset + size],
    }
    if offset + size < len(entries):
        answer["nextPageToken"] = str(offset + size)
    else:
        answer["nextSyncToken"] = f"calendar-list-{len(entries)}"
    return 200, {}, json.dumps(answer).encode()


def _events_list(fake: "FakeGoogle", email: str, ids, query, payload) -> tuple:
    """events.list: a full listing or, with syncToken, the changes since; paged."""
    calendar = calendar_for(fake, email, ids[0])
    page_size = max(1, min(int(query.get("maxResults", 250)), MAX_PAGE))
    if query.get("pageToken"):
        items, sync_token, snapshot, offset = paged_snapshot(fake, query["pageToken"])
    else:
        items, sync_token = _listing(calendar, query)
        snapshot, offset = secrets.token_urlsafe(9), 0
    chunk, follow = page(
        fake, items, page_size=page_size, offset=offset, snapshot=snapshot, sync_token=sync_token
    )
    head = {
        "kind": "calendar#events",
        "etag": f'"{calendar.epoch}{len(calendar.log)}"',
        "summary": calendar.summary,
        "updated": iso(fake.clock()),
        "timeZone": calendar.time_zone,
        "accessRole": calendar.access_role,
        "defaultReminders": [],
        **follow,
    }
    # The items are JSON already: splice them in rather than parse and dump 2,500 events again.
    body = json.dumps(head).encode()[:-1] + b',"items":[' + b",".join(chunk) + b"]}"
    return 200, {}, body


def _listing(calendar: Calendar, query: dict[str, str]) -> tuple[list[bytes], str]:
    single = query.get("singleEvents") == "true"
    if "syncToken" in query:
        barred = [name for name in FILTERS_BARRED_WITH_SYNC if name in query]
        if barred:
            message = f"Parameter {barred[0]} cannot be used together with syncToken."
            raise ApiError(400, "invalid", message)
        position, window = calendar.read_sync_token(query["syncToken"])
        items = calendar.changes_since(position, _window(window), single=single)
        return items, calendar.sync_token(window)
    window = (query.get("timeMin"), query.get("timeMax"))
    items = calendar.full_list(
        _window(window), single=single, deleted=query.get("showDeleted") == "true"
    )
    return items, calendar.sync_token(window)


def _window(window) -> tuple[dt.datetime | None, dt.datetime | None]:
    if not window:
        return None, None
    try:
        return tuple(dt.datetime.fromisoformat(w) if w else None for w in window)
    except ValueError as error:
        raise ApiError(400, "badRequest", "Bad Request") from error


def _event_get(fake: "FakeGoogle", email: str, ids, query, payload) -> tuple:
    return 200, {}, json.dumps(calendar_for(fake, email, ids[0]).get(ids[1])).encode()


def _event_insert(fake: "FakeGoogle", email: str, ids, query, payload) -> tuple:
    calendar = calendar_for(fake, email, ids[0], write=True)
    if payload.get("id") in calendar.events:
        raise ApiError(409, "duplicate", "The requested identifier already exists.")
    return _written(fake, calendar, {k: v for k, v in payload.items() if k != "status"})


def _event_update(fake: "FakeGoogle", email: str, ids, query, payload) -> tuple:
    calendar = calendar_for(fake, email, ids[0], write=True)
    current = calendar.get(ids[1])  # 404 when unknown
    keep = {k: current[k] for k in ("recurringEventId", "originalStartTime") if k in current}
    return _written(fake, calendar, {"status": "confirmed", **payload, **keep, "id": ids[1]})


def _event_patch(fake: "FakeGoogle", email: str, ids, query, payload) -> tuple:
    calendar = calendar_for(fake, email, ids[0], write=True)
    return _written(fake, calendar, {**calendar.get(ids[1]), **payload, "id": ids[1]})


def _written(fake: "FakeGoogle", calendar: Calendar, resource: dict) -> tuple:
    stored = calendar.store(resource, now=fake.clock())
    fake._changed(calendar.id, None)
    return 200, {}, json.dumps(stored).encode()


def _event_delete(fake: "FakeGoogle", email: str, ids, query, payload) -> tuple:
    calendar = calendar_for(fake, email, ids[0], write=True)
    calendar.cancel(ids[1], now=fake.clock())
    fake._changed(calendar.id, None)
    return 204, {}, b""


def _events_watch(fake: "FakeGoogle", email: str, ids, query, payload) -> tuple:
    """events.watch: a channel to `address`; Google then sends a "sync" message at once."""
    calendar = calendar_for(fake, email, ids[0])
    address = payload.get("address") or ""
    if payload.get("type") not in {"web_hook", "webhook"} or not address.startswith("http"):
        raise ApiError(400, "invalid", "Invalid channel type or address.")
    if not payload.get("id") or payload["id"] in fake.channels:
        raise ApiError(400, "channelIdNotUnique", f"Channel id {payload.get('id')} not unique")
    ttl = int((payload.get("params") or {}).get("ttl") or fake.channel_ttl)
    expiration = (fake.clock() + dt.timedelta(seconds=ttl)).replace(microsecond=0)
    channel = Channel(
        payload["id"],
        calendar.resource_id,
        calendar.id,
        payload["address"],
        payload.get("token", ""),
        expiration,
    )
    fake.channels[channel.id] = channel
    # After the answer, as Google does; numbered now, so that a notify() can't overtake it.
    sync = (channel, "sync", fake.next_message(channel))
    threading.Thread(target=fake._deliver, args=sync, daemon=True).start()
    answer = {
        "kind": "api#channel",
        "id": channel.id,
        "resourceId": channel.resource_id,
        "resourceUri": fake._resource_uri(calendar.id),
        "expiration": str(int(expiration.timestamp() * 1000)),
    }
    if channel.token:
        answer["token"] = channel.token
    return 200, {}, json.dumps(answer).encode()


def _channels_stop(fake: "FakeGoogle", email: str, ids, query, payload) -> tuple:
    channel = fake.channels.get(payload.get("id", ""))
    if channel is None or channel.resource_id != payload.get("resourceId"):
        raise ApiError(404, "notFound", f"Channel '{payload.get('id')}' not found for project")
    del fake.channels[channel.id]
    return 204, {}, b""


_CAL = r"calendars/([^/]+)/events"
ROUTES = [
    (re.compile(API_PREFIX + r"users/me/calendarList"), "GET", _calendar_list),
    (re.compile(API_PREFIX + _CAL), "GET", _events_list),
    (re.compile(API_PREFIX + _CAL), "POST", _event_insert),
    (re.compile(API_PREFIX + _CAL + "/watch"), "POST", _events_watch),
    (re.compile(API_PREFIX + _CAL + "/([^/]+)"), "GET", _event_get),
    (re.compile(API_PREFIX + _CAL + "/([^/]+)"), "PUT", _event_update),
    (re.compile(API_PREFIX + _CAL + "/([^/]+)"), "PATCH", _event_patch),
    (re.compile(API_PREFIX + _CAL + "/([^/]+)"), "DELETE", _event_delete),
    (re.compile(API_PREFIX + r"channels/stop"), "POST", _channels_stop),
]
