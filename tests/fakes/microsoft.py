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
endpoint (echoes the validationToken, records notifications). This module is the server and its
controls; the Graph routes are in tests/fakes/microsoft_graph.py, the events, recurrence and delta
rounds in tests/fakes/microsoft_calendar.py, the auth-code flow in tests/fakes/microsoft_oauth.py.
"""

import datetime as dt
import json
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import requests

from tests.fakes.microsoft_calendar import Event, GraphError, occurrence_id, weekly
from tests.fakes.microsoft_graph import (
    as_json,
    covers,
    error_envelope,
    graph,
    next_failure,
    notification,
    user_for,
)
from tests.fakes.microsoft_oauth import oauth

__all__ = ["FakeGraph", "NotificationReceiver", "Request", "weekly"]


@dataclass(frozen=True)
class Request:
    """A request the fake (or a NotificationReceiver) got; header names in lower case."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


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
            matching = [s for s in self.subscriptions.values() if covers(s, calendar)]
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


# --- the HTTP side ---
def split(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}


def lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


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
                failure = next_failure(fake)
                if failure:
                    raise failure
                email = user_for(fake, self.headers.get("Authorization", ""))
                status, answer = graph(fake, self, email, path, query, body)
                self.send(status, as_json(answer) if answer is not None else b"")
            except GraphError as error:
                self.send(error.status, as_json(error_envelope(error)), error.headers)

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
