"""A fake Microsoft identity platform and Microsoft Graph v1.0, for the calendar sync's tests and
bench (pytest-free): a ThreadingHTTPServer on 127.0.0.1 in a daemon thread, state in memory.

    with FakeGraph() as graph:
        calendar_id = graph.add_user("ann@example.com")
        tokens = graph.grant("ann@example.com")          # or the auth-code flow in a browser
        graph.put_event(calendar_id, subject="Busy", start=..., end=...)
        ... MicrosoftAdapter(Credentials(access_token=tokens["access_token"])) with
            settings.MICROSOFT_GRAPH_URL = graph.graph_url ...

What it implements, as Microsoft documents it (tests/fakes/test_microsoft_fake.py checks that):
- The auth-code flow (/common/oauth2/v2.0/authorize and /token): a consent page, `code` and `state`
  back to the redirect URI or `error=access_denied`; the token endpoint's authorization_code and
  refresh_token grants (a refresh returns a NEW refresh token), `invalid_grant` with error_codes.
- Graph: 401 InvalidAuthenticationToken; GET /me, /me/calendars; calendarView delta with
  startDateTime/endDateTime, `Prefer: odata.maxpagesize` and `outlook.timezone`, @odata.nextLink
  ($skiptoken) then @odata.deltaLink ($deltatoken), "@removed" items, 410 SyncStateNotFound for an
  unknown token; events POST/GET/PATCH/DELETE; subscriptions with the validation handshake and
  change notifications.
Recurring masters (daily or weekly patterns) are expanded by calendarView into occurrences with
`seriesMasterId` and `originalStart`, in the series' own time zone (so 09:00 stays 09:00 local
across a DST change). The page size is capped at 1000 (the fake's choice; 10 without Prefer).

Controls: add_user, add_calendar, grant, revoke, expire_access_tokens, expire_delta_tokens,
fail_next, put_event (with `weekly(...)` for series), delete_event, cancel_occurrence, notify
(and `auto_notify`); `requests` records every call. NotificationReceiver is a subscriber's
endpoint (echoes the validationToken, records notifications). One module on purpose: the fake
is a single test fixture, not a design to spread.
"""

import datetime as dt
import json
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import requests

UTC = dt.UTC
MAX_PAGE = 1000
DEFAULT_PAGE = 10
MAX_SUBSCRIPTION_MINUTES = 4230  # Outlook resources (event, message, contact)
GRAPH_TIME = "%Y-%m-%dT%H:%M:%S.0000000"
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# Graph's validation token is opaque text with spaces and colons: receivers must URL-decode it.
VALIDATION_TEXT = (
    "Validation: Testing client application reachability for subscription Request-Id: "
)
ERROR_CODES = {
    429: "TooManyRequests",
    500: "generalException",
    503: "ServiceNotAvailable",
    504: "GatewayTimeout",
}


@dataclass(frozen=True)
class Request:
    """A request the fake (or a NotificationReceiver) got; header names in lower case."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


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


class FakeGraph:
    """See the module docstring. Controls are plain methods; `requests` records every call."""

    def __init__(
        self,
        *,
        client_id: str = "fake-ms-client-id",
        client_secret: str = "fake-ms-client-secret",
        auto_notify: bool = False,
        tenant_id: str = "fake-tenant",
    ) -> None:
        self.client_id, self.client_secret, self.tenant_id = client_id, client_secret, tenant_id
        self.auto_notify = auto_notify
        self.lock = threading.RLock()
        self.users: dict[str, dict] = {}
        self.calendars: dict[str, dict] = {}
        self.events: dict[str, Event] = {}
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, str] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.delta_tokens: dict[str, dict] = {}
        self.skip_tokens: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.failures: list[tuple[int, float | None]] = []
        self.requests: list[Request] = []
        self.notifications: list[tuple[str, dict, int]] = []  # (url, body, status or 0)
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ---
    def start(self) -> "FakeGraph":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeGraph":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server, "FakeGraph is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def graph_url(self) -> str:
        return self.base_url + "/v1.0"

    @property
    def authorize_url(self) -> str:
        return self.base_url + "/common/oauth2/v2.0/authorize"

    @property
    def token_url(self) -> str:
        return self.base_url + "/common/oauth2/v2.0/token"

    # --- controls: people, calendars, grants ---
    def add_user(self, email: str, *, name: str = "") -> str:
        """A user with a default calendar "Calendar"; returns that calendar's id."""
        with self.lock:
            if email in self.users:
                return self.users[email]["calendar_id"]
            user_id = secrets.token_hex(8)
            self.users[email] = {"id": user_id, "name": name or email.split("@")[0]}
            calendar_id = self.add_calendar(email, "Calendar", default=True)
            self.users[email]["calendar_id"] = calendar_id
            return calendar_id

    def add_calendar(
        self, email: str, name: str, *, default: bool = False, can_edit: bool = True
    ) -> str:
        with self.lock:
            calendar_id = "AAMk" + secrets.token_urlsafe(12)
            self.calendars[calendar_id] = {
                "id": calendar_id,
                "owner": email,
                "name": name,
                "isDefaultCalendar": default,
                "canEdit": can_edit,
            }
            return calendar_id

    def grant(
        self, email: str, scope: str = "offline_access Calendars.ReadWrite User.Read"
    ) -> dict:
        """Tokens as the token endpoint would issue them, without the browser flow."""
        with self.lock:
            self.add_user(email)
            access, refresh = "eyJ0" + secrets.token_urlsafe(24), "M.C1" + secrets.token_urlsafe(32)
            self.access_tokens[access] = email
            self.refresh_tokens[refresh] = email
        return {
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": access,
            "refresh_token": refresh,
        }

    def revoke(self, email: str) -> None:
        """Every token of `email` stops working (Graph 401, token endpoint invalid_grant)."""
        with self.lock:
            for tokens in (self.access_tokens, self.refresh_tokens):
                for token in [t for t, owner in tokens.items() if owner == email]:
                    del tokens[token]

    def expire_access_tokens(self, email: str | None = None) -> None:
        """Access tokens (of `email`, or everyone's) lapse; refresh tokens still work."""
        with self.lock:
            for token in [t for t, owner in self.access_tokens.items() if email in (None, owner)]:
                del self.access_tokens[token]

    def expire_delta_tokens(self) -> None:
        with self.lock:
            self.delta_tokens.clear()
            self.skip_tokens.clear()

    def fail_next(self, status: int, retry_after: float | None = None, count: int = 1) -> None:
        """The next `count` Graph calls answer `status` (429: TooManyRequests) with Retry-After."""
        with self.lock:
            self.failures.extend([(status, retry_after)] * count)

    # --- controls: events ---
    def put_event(
        self,
        calendar_id: str,
        *,
        start: dt.datetime | dt.date,
        end: dt.datetime | dt.date,
        subject: str = "",
        time_zone: str = "UTC",
        show_as: str = "busy",
        recurrence: dict | None = None,
        event_id: str | None = None,
        body: str = "",
        location: str = "",
        is_cancelled: bool = False,
    ) -> str:
        """Create or replace an event: a single one, an all-day one (dates, end exclusive) or a
        series master (`recurrence`, e.g. `weekly(...)`, expanded in `time_zone`)."""
        all_day = not isinstance(start, dt.datetime)
        zone = ZoneInfo(time_zone)
        if all_day:
            start = dt.datetime.combine(start, dt.time(), tzinfo=zone)
            end = dt.datetime.combine(end, dt.time(), tzinfo=zone)
        with self.lock:
            previous = self.events.get(event_id or "")
            event = Event(
                id=event_id or "AAMkEv" + secrets.token_urlsafe(16),
                calendar_id=calendar_id,
                start=start.astimezone(zone),
                end=end.astimezone(zone),
                tz=time_zone,
                subject=subject,
                body=body,
                location=location,
                show_as=show_as,
                all_day=all_day,
                is_cancelled=is_cancelled,
                recurrence=recurrence,
                version=previous.version + 1 if previous else 1,
                cancelled=previous.cancelled if previous else set(),
            )
            self.events[event.id] = event
        self.changed(calendar_id, event.id, "updated" if previous else "created")
        return event.id

    def delete_event(self, event_id: str) -> None:
        with self.lock:
            event = self.events.pop(event_id)
        self.changed(event.calendar_id, event_id, "deleted")

    def cancel_occurrence(self, series_id: str, occurrence_start: dt.date | dt.datetime) -> str:
        """The organizer cancels one occurrence (on that local date): it leaves the view and
        delta reports it "@removed". Returns the occurrence's id."""
        with self.lock:
            master = self.events[series_id]
            day = occurrence_start
            if isinstance(day, dt.datetime):
                day = day.astimezone(ZoneInfo(master.tz)).date()
            cancelled = occurrence_id(series_id, day)
            master.cancelled.add(cancelled)
            master.version += 1
        self.changed(master.calendar_id, series_id, "updated")
        return cancelled

    def changed(self, calendar_id: str, event_id: str, change_type: str) -> None:
        if self.auto_notify:
            threading.Thread(
                target=self.notify,
                args=(calendar_id,),
                kwargs={"event_id": event_id, "change_type": change_type},
                daemon=True,
            ).start()

    # --- change notifications ---
    def notify(
        self, calendar_id: str, *, event_id: str = "", change_type: str = "updated"
    ) -> list[int]:
        """POST a change notification to every subscription on the calendar's events (as Graph
        does; it expects a 2xx within 3 s). Returns the statuses (0: no answer)."""
        with self.lock:
            calendar = self.calendars[calendar_id]
            user = self.users[calendar["owner"]]
            matching = [s for s in self.subscriptions.values() if self._covers(s, calendar)]
        statuses = []
        for subscription in matching:
            body = notification(self, subscription, user, event_id, change_type)
            try:
                answer = requests.post(subscription["notificationUrl"], json=body, timeout=3)
                status = answer.status_code
            except requests.RequestException:
                status = 0
            with self.lock:
                self.notifications.append((subscription["notificationUrl"], body, status))
            statuses.append(status)
        return statuses

    def _covers(self, subscription: dict, calendar: dict) -> bool:
        resource = subscription["resource"].strip("/").lower()
        if subscription["owner"] != calendar["owner"]:
            return False
        wanted = {f"me/calendars/{calendar['id']}/events".lower()}
        if calendar["isDefaultCalendar"]:
            wanted |= {"me/events", "me/calendar/events"}
        return resource in wanted

    # --- views of the state (called by the request handler, under the lock) ---
    def window_items(self, calendar_id: str, start: dt.datetime, end: dt.datetime) -> list[dict]:
        """calendarView: single events and expanded occurrences overlapping [start, end)."""
        items = []
        for event in list(self.events.values()):
            if event.calendar_id != calendar_id:
                continue
            if event.recurrence:
                items.extend(self._occurrences(event, start, end))
            elif event.start < end and event.end > start:
                items.append({"event": event, "id": event.id, "start": event.start})
        return items

    def _occurrences(self, master: Event, start: dt.datetime, end: dt.datetime) -> list[dict]:
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

    def user_for(self, authorization: str) -> str:
        token = authorization.removeprefix("Bearer ").strip()
        email = self.access_tokens.get(token) if authorization.startswith("Bearer ") else None
        if not email:
            raise GraphError(
                401,
                "InvalidAuthenticationToken",
                "Lifetime validation failed, the token is expired."
                if token
                else "Access token is empty.",
            )
        return email

    def next_failure(self) -> GraphError | None:
        with self.lock:
            if not self.failures:
                return None
            status, retry_after = self.failures.pop(0)
        headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else {}
        code = ERROR_CODES.get(status, "BadRequest")
        return GraphError(status, code, "Simulated failure by FakeGraph.", headers)

    def new_token(self, store: dict, value: dict) -> str:
        token = secrets.token_urlsafe(18)
        store[token] = value
        return token

    def link(self, calendar_id: str, **query: str) -> str:
        path = f"{self.graph_url}/me/calendars/{calendar_id}/calendarView/delta"
        return f"{path}?{urlencode(query, safe='$')}"


def parse_prefer(header: str) -> tuple[int, str]:
    """`Prefer: odata.maxpagesize=N, outlook.timezone="Zone"` -> (page size, zone)."""
    size = re.search(r"odata\.maxpagesize=(\d+)", header)
    zone = re.search(r'outlook\.timezone="([^"]+)"', header)
    page = min(int(size.group(1)), MAX_PAGE) if size else DEFAULT_PAGE
    return max(page, 1), zone.group(1) if zone else "UTC"


def split(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}


def lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def as_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


# --- what Graph answers (under the fake's lock) ---
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


def notification(
    fake: FakeGraph, subscription: dict, user: dict, event_id: str, change: str
) -> dict:
    resource = f"Users/{user['id']}/Events/{event_id}"
    return {
        "value": [
            {
                "subscriptionId": subscription["id"],
                "subscriptionExpirationDateTime": subscription["expirationDateTime"],
                "changeType": change,
                "resource": resource,
                "resourceData": {
                    "@odata.type": "#Microsoft.Graph.Event",
                    "@odata.id": resource,
                    "@odata.etag": 'W/"1"',
                    "id": event_id,
                },
                "clientState": subscription.get("clientState"),
                "tenantId": fake.tenant_id,
            }
        ]
    }


def delta(fake: FakeGraph, email: str, calendar_id: str, query: dict, prefer: str) -> dict:
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
        items = fake.window_items(calendar_id, *window)
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
        token = fake.new_token(fake.skip_tokens, round_ | {"pending": rest})
        answer["@odata.nextLink"] = fake.link(calendar_id, **{"$skiptoken": token})
    else:
        state = {k: round_[k] for k in ("calendar", "window", "snapshot")}
        answer["@odata.deltaLink"] = fake.link(
            calendar_id, **{"$deltatoken": fake.new_token(fake.delta_tokens, state)}
        )
    return answer | {"value": page}


def changes_since(fake: FakeGraph, base: dict, zone: str) -> dict:
    items = fake.window_items(base["calendar"], *base["window"])
    snapshot = {item["id"]: item["event"].version for item in items}
    old = base["snapshot"]
    pending = [render(item, zone) for item in items if old.get(item["id"]) != item["event"].version]
    pending += [
        {"id": gone, "@removed": {"reason": "deleted"}} for gone in old if gone not in snapshot
    ]
    return {k: base[k] for k in ("calendar", "window")} | {"pending": pending, "snapshot": snapshot}


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


# --- subscriptions ---
def subscribe(fake: FakeGraph, email: str, data: dict) -> dict:
    """POST /subscriptions: Graph validates the notificationUrl first, POSTing
    `?validationToken=...` (text/plain, empty body) and expecting, within 10 s, a 200 whose
    plain-text body is the token; otherwise 400 ValidationError."""
    missing = [
        k
        for k in ("changeType", "notificationUrl", "resource", "expirationDateTime")
        if not data.get(k)
    ]
    if missing:
        raise GraphError(400, "InvalidRequest", f"Missing: {', '.join(missing)}.")
    expires = parse_instant(data["expirationDateTime"])
    now = dt.datetime.now(UTC)
    if not now < expires <= now + dt.timedelta(minutes=MAX_SUBSCRIPTION_MINUTES):
        raise GraphError(
            400, "InvalidRequest", "Subscription expiration can only be 4230 minutes in the future."
        )
    token = VALIDATION_TEXT + secrets.token_hex(8)
    url = data["notificationUrl"]
    try:
        answer = requests.post(
            url + ("&" if "?" in url else "?") + urlencode({"validationToken": token}),
            data=b"",
            headers={"Content-Type": "text/plain; charset=utf-8"},
            timeout=10,
        )
        valid = answer.status_code == 200 and answer.text == token
    except requests.RequestException:
        valid = False
    if not valid:
        raise GraphError(
            400,
            "ValidationError",
            "Subscription validation request failed. Response must exactly match "
            "validationToken query parameter.",
        )
    subscription = {
        "@odata.context": f"{fake.graph_url}/$metadata#subscriptions/$entity",
        "id": secrets.token_hex(16),
        "resource": data["resource"],
        "applicationId": fake.client_id,
        "changeType": data["changeType"],
        "clientState": data.get("clientState"),
        "notificationUrl": url,
        "expirationDateTime": expires.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "creatorId": fake.users[email]["id"],
        "latestSupportedTlsVersion": data.get("latestSupportedTlsVersion", "v1_2"),
    }
    with fake.lock:
        fake.subscriptions[subscription["id"]] = subscription | {"owner": email}
    return subscription


def public(subscription: dict) -> dict:
    return {k: v for k, v in subscription.items() if k != "owner"}


# --- the HTTP side ---
CALENDAR_ROUTE = re.compile(r"/v1\.0/me/calendars/([^/]+)/calendarView/delta(?:\(\))?")
DEFAULT_VIEW = re.compile(r"/v1\.0/me/calendarView/delta(?:\(\))?")
CALENDAR_EVENTS = re.compile(r"/v1\.0/me/calendars/([^/]+)/events")
EVENT = re.compile(r"/v1\.0/me/(?:calendars/[^/]+/)?events/([^/]+)")
SUBSCRIPTION = re.compile(r"/v1\.0/subscriptions/([^/]+)")


def handler_for(fake: FakeGraph) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # quiet
            pass

        def do_GET(self):
            self.dispatch()

        def do_POST(self):
            self.dispatch()

        def do_PATCH(self):
            self.dispatch()

        def do_DELETE(self):
            self.dispatch()

        def dispatch(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path, query = split(self.path)
            with fake.lock:
                fake.requests.append(Request(self.command, path, query, lower(self.headers), body))
            try:
                if path.startswith("/common/oauth2/v2.0/"):
                    return oauth(fake, self, path, query, body)
                failure = fake.next_failure()
                if failure:
                    raise failure
                email = fake.user_for(self.headers.get("Authorization", ""))
                status, answer = graph(fake, self, email, path, query, body)
                self.send(status, as_json(answer) if answer is not None else b"")
            except GraphError as error:
                envelope = {
                    "error": {
                        "code": error.code,
                        "message": error.message,
                        "innerError": {
                            "date": dt.datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                            "request-id": secrets.token_hex(8),
                        },
                    }
                }
                self.send(error.status, as_json(envelope), error.headers)

        def send(
            self,
            status: int,
            body: bytes,
            headers: dict | None = None,
            kind: str = "application/json",
        ):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if body:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def graph(
    fake: FakeGraph, handler, email: str, path: str, query: dict, body: bytes
) -> tuple[int, Any]:
    method = handler.command
    data = json.loads(body) if body else {}
    with fake.lock:
        user = fake.users[email]
        if method == "GET" and path == "/v1.0/me":
            return 200, {
                "id": user["id"],
                "displayName": user["name"],
                "givenName": user["name"].split()[0],
                "surname": " ".join(user["name"].split()[1:]),
                "mail": email,
                "mailNickname": email.split("@")[0],
                "userPrincipalName": email,
            }
        if method == "GET" and path == "/v1.0/me/calendars":
            return 200, calendars_page(fake, email, query)
        view = CALENDAR_ROUTE.fullmatch(path) or DEFAULT_VIEW.fullmatch(path)
        if method == "GET" and view:
            calendar_id = view.group(1) if view.groups() else user["calendar_id"]
            owned(fake, email, calendar_id)
            return 200, delta(fake, email, calendar_id, query, handler.headers.get("Prefer", ""))
    if path == "/v1.0/subscriptions" and method == "POST":
        return 201, subscribe(fake, email, data)
    if match := SUBSCRIPTION.fullmatch(path):
        return subscription_call(fake, method, match.group(1), data)
    if method == "POST" and (match := CALENDAR_EVENTS.fullmatch(path) or path == "/v1.0/me/events"):
        calendar_id = match.group(1) if not isinstance(match, bool) else user["calendar_id"]
        writable(fake, email, calendar_id)
        event_id = fake.put_event(calendar_id, **event_fields(data, None))
        return 201, render_master(fake.events[event_id])
    if match := EVENT.fullmatch(path):
        return event_call(fake, method, email, match.group(1), data)
    raise GraphError(400, "BadRequest", f"Resource not found for the segment in {path}.")


def event_call(
    fake: FakeGraph, method: str, email: str, event_id: str, data: dict
) -> tuple[int, Any]:
    master_id, _, day = event_id.rpartition("_")
    master = fake.events.get(master_id)
    if method == "DELETE" and master and master.recurrence and event_id not in fake.events:
        writable(fake, email, master.calendar_id)  # deleting an occurrence cancels it
        fake.cancel_occurrence(master_id, dt.date(int(day[:4]), int(day[4:6]), int(day[6:])))
        return 204, None
    with fake.lock:
        event = fake.events.get(event_id)
        if not event or fake.calendars[event.calendar_id]["owner"] != email:
            raise GraphError(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
    if method == "GET":
        return 200, render_master(event)
    writable(fake, email, event.calendar_id)
    if method == "DELETE":
        fake.delete_event(event_id)
        return 204, None
    if method == "PATCH":
        fake.put_event(event.calendar_id, **event_fields(data, event))
        return 200, render_master(fake.events[event_id])
    raise GraphError(405, "BadRequest", "Method not allowed.")


def subscription_call(
    fake: FakeGraph, method: str, subscription_id: str, data: dict
) -> tuple[int, Any]:
    with fake.lock:
        subscription = fake.subscriptions.get(subscription_id)
        if not subscription:
            raise GraphError(404, "ResourceNotFound", "The object was not found.")
        if method == "DELETE":
            del fake.subscriptions[subscription_id]
            return 204, None
        if method == "PATCH" and data.get("expirationDateTime"):
            expires = parse_instant(data["expirationDateTime"])
            if expires > dt.datetime.now(UTC) + dt.timedelta(minutes=MAX_SUBSCRIPTION_MINUTES):
                raise GraphError(
                    400,
                    "InvalidRequest",
                    "Subscription expiration can only be 4230 minutes in the future.",
                )
            subscription["expirationDateTime"] = expires.astimezone(UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
        return 200, public(subscription)


def owned(fake: FakeGraph, email: str, calendar_id: str) -> dict:
    calendar = fake.calendars.get(calendar_id)
    if not calendar or calendar["owner"] != email:
        raise GraphError(
            404, "ErrorItemNotFound", "The specified object was not found in the store."
        )
    return calendar


def writable(fake: FakeGraph, email: str, calendar_id: str) -> None:
    with fake.lock:
        if not owned(fake, email, calendar_id)["canEdit"]:
            raise GraphError(
                403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
            )


def calendars_page(fake: FakeGraph, email: str, query: dict) -> dict:
    """GET /me/calendars, 10 a page, @odata.nextLink with $skip."""
    mine = [c for c in fake.calendars.values() if c["owner"] == email]
    skip = int(query.get("$skip") or 0)
    top = int(query.get("$top") or DEFAULT_PAGE)
    value = [
        {
            "id": c["id"],
            "name": c["name"],
            "color": "auto",
            "isDefaultCalendar": c["isDefaultCalendar"],
            "canEdit": c["canEdit"],
            "canShare": c["canEdit"],
            "canViewPrivateItems": True,
            "owner": {"name": fake.users[email]["name"], "address": email},
        }
        for c in mine[skip : skip + top]
    ]
    answer: dict[str, Any] = {
        "@odata.context": f"{fake.graph_url}/$metadata#users('{email}')/calendars",
        "value": value,
    }
    if skip + top < len(mine):
        query = urlencode({"$top": top, "$skip": skip + top}, safe="$")
        answer["@odata.nextLink"] = f"{fake.graph_url}/me/calendars?{query}"
    return answer


# --- Microsoft identity platform: the auth-code flow ---
REQUIRED_SCOPES = {"offline_access", "calendars.readwrite"}
CONSENT_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Permissions requested</title></head>
<body><h1>Permissions requested</h1><p>The application wants to: {scope}</p>
<form method="post" action="/common/oauth2/v2.0/authorize">{hidden}
<label>Account <input name="login_hint" value="{email}"></label>
<button type="submit" name="consent" value="accept">Accept</button>
<button type="submit" name="consent" value="cancel">Cancel</button></form></body></html>"""


def oauth(fake: FakeGraph, handler, path: str, query: dict, body: bytes) -> None:
    form = {k: v[-1] for k, v in parse_qs(body.decode()).items()} if body else {}
    if path.endswith("/token") and handler.command == "POST":
        status, answer = token(fake, form, handler.headers.get("Authorization", ""))
        return handler.send(status, as_json(answer))
    if not path.endswith("/authorize"):
        return handler.send(404, b"not found", kind="text/plain")
    params = query if handler.command == "GET" else form
    if params.get("client_id") != fake.client_id or not params.get("redirect_uri"):
        page = (
            f"AADSTS700016: Application with identifier '{params.get('client_id')}' was not found."
        )
        return handler.send(400, page.encode(), kind="text/html; charset=utf-8")
    redirect, state = params["redirect_uri"], params.get("state", "")

    def back(**answer: str):
        target = redirect + ("&" if "?" in redirect else "?") + urlencode(answer | {"state": state})
        handler.send(302, b"", {"Location": target})

    scopes = {s.rsplit("/", 1)[-1].lower() for s in params.get("scope", "").split()}
    if params.get("response_type") != "code":
        return back(error="unsupported_response_type", error_description="Only response_type=code.")
    if not scopes >= REQUIRED_SCOPES:
        return back(
            error="invalid_scope",
            error_description="offline_access and Calendars.ReadWrite are required.",
        )
    if handler.command == "GET":
        keep = ("client_id", "redirect_uri", "response_type", "scope", "state")
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{html_escape(params.get(k, ""))}">'
            for k in keep
        )
        page = CONSENT_PAGE.format(
            scope=html_escape(params["scope"]),
            hidden=hidden,
            email=html_escape(params.get("login_hint", "")),
        )
        return handler.send(200, page.encode(), kind="text/html; charset=utf-8")
    if params.get("consent") != "accept":
        return back(
            error="access_denied",
            error_description="AADSTS65004: User declined to consent to access the app.",
        )
    email = params.get("login_hint") or "user@example.com"
    fake.add_user(email)
    code = "M.C5" + secrets.token_urlsafe(24)
    with fake.lock:
        fake.codes[code] = {"email": email, "redirect_uri": redirect, "scope": params["scope"]}
    return back(code=code)


def token(fake: FakeGraph, form: dict, authorization: str) -> tuple[int, dict]:
    """POST /token: authorization_code or refresh_token (each answer with a new refresh token)."""
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if authorization.startswith("Basic "):
        import base64

        client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
    if client_id != fake.client_id or secret != fake.client_secret:
        return 401, oauth_error("invalid_client", 7000215, "Invalid client secret provided.")
    grant_type = form.get("grant_type")
    with fake.lock:
        if grant_type == "authorization_code":
            issued = fake.codes.pop(form.get("code", ""), None)
            if not issued or issued["redirect_uri"] != form.get("redirect_uri"):
                return 400, oauth_error(
                    "invalid_grant", 70000, "The provided authorization code is invalid."
                )
            return 200, fake.grant(issued["email"], form.get("scope") or issued["scope"])
        if grant_type == "refresh_token":
            email = fake.refresh_tokens.get(form.get("refresh_token", ""))
            if not email:
                return 400, oauth_error(
                    "invalid_grant", 50173, "The provided grant has been revoked or has expired."
                )
            return 200, fake.grant(email, form.get("scope") or "offline_access Calendars.ReadWrite")
    return 400, oauth_error(
        "unsupported_grant_type", 70003, "The app requested an unsupported grant type."
    )


def oauth_error(error: str, code: int, description: str) -> dict:
    return {
        "error": error,
        "error_description": f"AADSTS{code}: {description}",
        "error_codes": [code],
        "timestamp": dt.datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ"),
        "trace_id": secrets.token_hex(16),
        "correlation_id": secrets.token_hex(16),
    }


def html_escape(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


class NotificationReceiver:
    """A subscriber's endpoint for tests and the bench: echoes Graph's validationToken (200,
    text/plain) when `echo` is set, and records change notifications (answering 202)."""

    def __init__(self, *, echo: bool = True) -> None:
        self.echo = echo
        self.validations: list[Request] = []
        self.notifications: list[dict] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server, "NotificationReceiver is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/graph/notifications"

    def __enter__(self) -> "NotificationReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path, query = split(self.path)
                if "validationToken" in query:
                    receiver.validations.append(
                        Request("POST", path, query, lower(self.headers), body)
                    )
                    answer = query["validationToken"].encode() if receiver.echo else b""
                    status = 200
                else:
                    receiver.notifications.append(json.loads(body))
                    answer, status = b"", 202
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
