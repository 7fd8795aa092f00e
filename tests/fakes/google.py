"""A local fake of Google's OAuth 2.0 web-server flow and Calendar API v3, for tests and bench/.

    with FakeGoogle() as google:
        google.add_user("ann@example.com")
        google.put_event("ann@example.com", {"summary": "Busy", "start": ..., "end": ...})
        tokens = google.grant("ann@example.com")      # or follow the consent page
        ... GoogleAdapter(Credentials(access_token=tokens["access_token"])) at google.api_url ...

It implements the documented parts the sync uses (https://developers.google.com/calendar/api/v3/
reference, .../guides/sync, .../guides/push, https://developers.google.com/identity/protocols/
oauth2/web-server): the consent page and token endpoint (tests/fakes/google_oauth.py),
calendarList.list, events list/get/insert/update/patch/delete with singleEvents expansion, paging,
sync tokens and their 410 (the calendar model: tests/fakes/google_calendar.py), events.watch with
its "sync" message, channels.stop, and Google's error bodies. Not implemented: ACLs, attendees,
orderBy (lists come in start order), and Google's HTTPS-only rule for watch addresses (tests
receive on plain HTTP).

State lives in memory behind one lock. A listing is built once and paged from that snapshot, and
stored events keep their JSON, so 10,000 events list in a few milliseconds a page.
"""

import datetime as dt
import http.client
import json
import secrets
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes import google_oauth
from tests.fakes.google_api import API_PREFIX, ROUTES, Channel
from tests.fakes.google_calendar import ApiError, Calendar, not_found

DEFAULT_FAILURE_REASONS = {429: ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded")}


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]


@dataclass(frozen=True)
class Delivery:
    channel_id: str
    state: str  # "sync" | "exists"
    status: int | None  # the receiver's answer (None: unreachable)


@dataclass
class User:
    email: str
    name: str
    calendars: list[str]


class FakeGoogle:
    """Google's OAuth endpoints and Calendar API v3 on 127.0.0.1, in a daemon thread.

    `clock` gives the time for token expiry, watch expirations and `updated` fields.
    `auto_notify`: changes (through the API or the controls) notify watch channels at once."""

    def __init__(
        self,
        *,
        client_id: str = "fake-google-client",
        client_secret: str = "fake-google-client-secret-for-tests",
        redirect_uris: list[str] | None = None,  # None: any http(s) URI is registered
        app_name: str = "Scheduling Platform",
        access_token_ttl: int = 3600,
        channel_ttl: int = 7 * 24 * 3600,
        auto_notify: bool = False,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uris = redirect_uris
        self.app_name = app_name
        self.access_token_ttl, self.channel_ttl = access_token_ttl, channel_ttl
        self.auto_notify = auto_notify
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self.calendars: dict[str, Calendar] = {}
        self.codes: dict[str, dict[str, str]] = {}
        self.access_tokens: dict[str, tuple[str, float]] = {}  # token -> (email, expires at)
        self.refresh_tokens: dict[str, tuple[str, str]] = {}  # token -> (email, scope)
        self.channels: dict[str, Channel] = {}
        self.requests: list[Recorded] = []
        self.deliveries: list[Delivery] = []
        self._delivered = threading.Condition(self.lock)
        self._failures: list[tuple[int, float | str | None, str | None]] = []
        self._snapshots: OrderedDict[str, tuple[list[bytes], str]] = OrderedDict()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def authorize_url(self) -> str:
        return self.base_url + "/o/oauth2/auth"

    @property
    def token_url(self) -> str:
        return self.base_url + "/token"

    @property
    def userinfo_url(self) -> str:
        return self.base_url + "/oauth2/v2/userinfo"

    @property
    def revoke_url(self) -> str:
        return self.base_url + "/revoke"

    def start(self) -> "FakeGoogle":
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeGoogle":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- controls -----------------------------------------------------------------------------

    def add_user(self, email: str, *, name: str = "", time_zone: str = "UTC") -> str:
        """A Google account with its primary calendar (whose id is the e-mail, as at Google)."""
        with self.lock:
            self.users[email] = User(email, name or email.split("@")[0].title(), [])
        return self.add_calendar(email, email, calendar_id=email, primary=True, time_zone=time_zone)

    def add_calendar(
        self,
        email: str,
        summary: str,
        *,
        calendar_id: str | None = None,
        primary: bool = False,
        access_role: str = "owner",
        time_zone: str = "UTC",
    ) -> str:
        """A calendar in `email`'s calendar list; access_role reader/freeBusyReader: read-only."""
        calendar_id = calendar_id or f"c_{secrets.token_hex(12)}@group.calendar.google.com"
        with self.lock:
            self.calendars[calendar_id] = Calendar(
                calendar_id, email, summary, primary, access_role, time_zone
            )
            self.users[email].calendars.append(calendar_id)
        return calendar_id

    def put_event(
        self, calendar_id: str, event: dict[str, Any], *, notify: bool | None = None
    ) -> dict[str, Any]:
        """Insert or replace an event (Google's resource shape; `id` optional; a series with
        "recurrence": ["RRULE:..."]; all-day with start/end {"date": ...}). Returns it stored."""
        with self.lock:
            stored = self.calendars[calendar_id].store(event, now=self.clock())
        self._changed(calendar_id, notify)
        return stored

    def delete_event(self, calendar_id: str, event_id: str, *, notify: bool | None = None) -> None:
        """Cancel an event, a whole series, or one instance (`{series}_{key}`)."""
        with self.lock:
            self.calendars[calendar_id].cancel(event_id, now=self.clock())
        self._changed(calendar_id, notify)

    def events(self, calendar_id: str) -> list[dict[str, Any]]:
        """The stored resources (singles, series masters, exceptions), cancelled ones included."""
        with self.lock:
            return [s.resource for s in self.calendars[calendar_id].events.values()]

    def grant(self, email: str, *, scope: str = "https://www.googleapis.com/auth/calendar") -> dict:
        """Tokens as the token endpoint would issue them after consent (no browser needed)."""
        with self.lock:
            return google_oauth.issue(self, email, scope, offline=True)

    def revoke(self, email: str) -> None:
        """The user revokes access: every token of theirs is refused from now on."""
        with self.lock:
            google_oauth.drop_tokens(self, email)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is past its expiry (refresh tokens still work)."""
        with self.lock:
            self.access_tokens = {t: (email, 0.0) for t, (email, _) in self.access_tokens.items()}

    def expire_sync_tokens(self) -> None:
        """Every sync token issued so far answers 410 fullSyncRequired."""
        with self.lock:
            for calendar in self.calendars.values():
                calendar.epoch += 1

    def fail_next(
        self,
        status: int,
        *,
        retry_after: float | str | None = None,  # seconds, or an HTTP date as a string
        count: int = 1,
        reason: str = "",
    ) -> None:
        """The next `count` Calendar API calls answer `status` with Google's error body (429:
        usageLimits/rateLimitExceeded; 403 needs `reason`; 5xx: backendError) and Retry-After."""
        with self.lock:
            self._failures.extend([(status, retry_after, reason or None)] * count)

    def clear_requests(self) -> None:
        with self.lock:
            self.requests.clear()

    def notify(self, calendar_id: str) -> list[Delivery]:
        """POST an "exists" notification to every live watch channel on the calendar."""
        now = self.clock()
        with self.lock:
            channels = [
                (c, self.next_message(c))
                for c in self.channels.values()
                if c.calendar_id == calendar_id and c.expiration > now
            ]
        return [self._deliver(channel, "exists", number) for channel, number in channels]

    def wait_for_deliveries(self, count: int, timeout: float = 5.0) -> list[Delivery]:
        with self._delivered:
            self._delivered.wait_for(lambda: len(self.deliveries) >= count, timeout)
            return list(self.deliveries)

    # --- push ---------------------------------------------------------------------------------

    def _changed(self, calendar_id: str, notify: bool | None) -> None:
        if self.auto_notify if notify is None else notify:
            threading.Thread(target=self.notify, args=(calendar_id,), daemon=True).start()

    def next_message(self, channel: Channel) -> int:
        """The channel's next X-Goog-Message-Number (1 is the "sync" message)."""
        with self.lock:
            channel.messages += 1
            return channel.messages

    def _deliver(self, channel: Channel, state: str, number: int) -> Delivery:
        """One notification as Google sends it: an empty POST whose headers say it all."""
        headers = {
            "X-Goog-Channel-ID": channel.id,
            "X-Goog-Channel-Expiration": channel.expiration.strftime("%a, %d %b %Y %H:%M:%S GMT"),
            "X-Goog-Resource-ID": channel.resource_id,
            "X-Goog-Resource-URI": self._resource_uri(channel.calendar_id),
            "X-Goog-Resource-State": state,
            "X-Goog-Message-Number": str(number),
            "Content-Length": "0",
        }
        if channel.token:
            headers["X-Goog-Channel-Token"] = channel.token
        # http.client, not urllib: urllib would re-case the headers (X-goog-channel-id).
        address = urllib.parse.urlsplit(channel.address)
        connection_class = (
            http.client.HTTPSConnection if address.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(address.netloc, timeout=5)
        try:
            target = (address.path or "/") + (f"?{address.query}" if address.query else "")
            connection.request("POST", target, b"", headers)
            status = connection.getresponse().status
        except OSError:
            status = None
        finally:
            connection.close()
        delivery = Delivery(channel.id, state, status)
        with self._delivered:
            self.deliveries.append(delivery)
            self._delivered.notify_all()
        return delivery

    def _resource_uri(self, calendar_id: str) -> str:
        quoted = urllib.parse.quote(calendar_id, safe="")
        return f"{self.api_url}calendars/{quoted}/events?alt=json"

    # --- the Calendar API ---------------------------------------------------------------------

    def api(self, method: str, path: str, query: dict[str, str], headers, body: bytes) -> tuple:
        """One Calendar API call: (status, headers, JSON bytes). Holds the lock throughout."""
        with self.lock:
            email = self._bearer(headers.get("Authorization", ""))
            if self._failures:
                self._fail(*self._failures.pop(0))
            payload = json.loads(body) if body else {}
            for pattern, verb, route in ROUTES:
                match = pattern.fullmatch(path)
                if match and verb == method:
                    ids = [urllib.parse.unquote(part) for part in match.groups()]
                    return route(self, email, ids, query, payload)
            raise not_found()

    def _bearer(self, authorization: str) -> str:
        token = authorization.removeprefix("Bearer ").strip()
        email, expires = self.access_tokens.get(token, ("", 0.0))
        if not email or expires <= self.clock().timestamp():
            message = "Request had invalid authentication credentials."
            raise ApiError(
                401,
                "authError",
                message,
                extra={"locationType": "header", "location": "Authorization"},
            )
        return email

    def _fail(self, status: int, retry_after: float | str | None, reason: str | None) -> None:
        domain, default_reason, message = DEFAULT_FAILURE_REASONS.get(
            status, ("global", "backendError", "Backend Error")
        )
        if status == 403:
            domain, message = "usageLimits", "Rate Limit Exceeded"
        headers = {}
        if retry_after is not None:
            headers["Retry-After"] = (
                retry_after if isinstance(retry_after, str) else f"{retry_after:g}"
            )
        raise ApiError(status, reason or default_reason, message, domain=domain, headers=headers)


def _handler(fake: FakeGoogle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with fake.lock:
                fake.requests.append(Recorded(self.command, url.path, query))
            try:
                if url.path.startswith(API_PREFIX):
                    status, headers, raw = fake.api(
                        self.command, url.path, query, self.headers, body
                    )
                else:
                    status, headers, raw = google_oauth.route(
                        fake, self.command, url.path, query, self.headers, body
                    )
            except ApiError as error:
                status, headers, raw = error.code, error.headers, error.json()
            self.send_response(status)
            headers = {"Content-Type": "application/json; charset=UTF-8", **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output quiet

    return Handler
