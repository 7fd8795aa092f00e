"""A local ICS feed server (no pytest needed): serves texts you `put`, with HTTP caching as RFC 9110
describes it, so the ICS adapter's conditional GETs are held to the standard.

    with IcsServer() as server:
        server.put("/team.ics", text)
        server.url("/team.ics")  # http://127.0.0.1:PORT/team.ics

- Every text has a strong ETag (a hash of its bytes) and a Last-Modified (the time of `put`, one
  second later at least than the previous version, as HTTP dates have one-second precision).
- GET and HEAD answer 304 Not Modified when If-None-Match names the current ETag (weak comparison,
  `*` for any; RFC 9110 13.1.2), or, only when there is no If-None-Match, when If-Modified-Since
  is a valid date not earlier than Last-Modified (13.1.3). A 304 carries the ETag and no body.
- `require_auth(user, password)`: Basic auth, 401 with WWW-Authenticate otherwise.
- `fail_next(status, retry_after=None, times=1)`: the next requests (any method) get that status.
- `requests`: the log of (method, path, headers) received.
Any other method (PROPFIND, REPORT, ...) answers 405: it is not a CalDAV server.
"""

import base64
import datetime as dt
import email.utils
import hashlib
import hmac
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Document:
    body: bytes
    content_type: str
    etag: str
    last_modified: dt.datetime


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str]


class IcsServer:
    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}
        self.requests: list[LoggedRequest] = []
        self.credentials: tuple[str, str] | None = None
        self._failures: list[tuple[int, str | None]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((HOST, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/") -> str:
        return f"http://{HOST}:{self.port}{path}"

    def put(self, path: str, text: str, *, content_type: str = "text/calendar; charset=utf-8"):
        body = text.encode()
        with self._lock:
            now = dt.datetime.now(dt.UTC).replace(microsecond=0)
            if previous := self.documents.get(path):
                if previous.body == body:
                    return previous
                now = max(now, previous.last_modified + dt.timedelta(seconds=1))
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            document = Document(body, content_type, etag, now)
            self.documents[path] = document
            return document

    def remove(self, path: str) -> None:
        with self._lock:
            self.documents.pop(path, None)

    def require_auth(self, username: str, password: str) -> None:
        self.credentials = (username, password)

    def fail_next(self, status: int, retry_after: str | int | None = None, *, times: int = 1):
        with self._lock:
            value = None if retry_after is None else str(retry_after)
            self._failures.extend([(status, value)] * times)

    def _next_failure(self) -> tuple[int, str | None] | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _etags_match(header: str, etag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 8.8.3.2): opaque tags equal, W/ ignored."""
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in header.split(","))


def _http_date(value: dt.datetime) -> str:
    return email.utils.format_datetime(value, usegmt=True)


def _parse_http_date(value: str) -> dt.datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


def _handler_for(server: IcsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

        def _begin(self) -> bool:
            """Log, then answer a queued failure or a missing login; True if answered."""
            path = self.path.split("?", 1)[0]
            server.requests.append(LoggedRequest(self.command, path, dict(self.headers.items())))
            if failure := server._next_failure():
                status, retry_after = failure
                extra = {"Retry-After": retry_after} if retry_after is not None else {}
                self._reply(status, b"unavailable\n", extra)
                return True
            if server.credentials and not self._authorized():
                self._reply(401, b"login needed\n", {"WWW-Authenticate": 'Basic realm="ics"'})
                return True
            return False

        def _authorized(self) -> bool:
            header = self.headers.get("Authorization", "")
            scheme, _, encoded = header.partition(" ")
            if scheme.lower() != "basic":
                return False
            try:
                given = base64.b64decode(encoded.strip(), validate=True).decode()
            except ValueError:
                return False
            expected = ":".join(server.credentials)
            return hmac.compare_digest(given.encode(), expected.encode())

        def _reply(self, status: int, body: bytes, headers: dict[str, str], *, head=False):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head and status != 304:
                self.wfile.write(body)

        def _get(self, *, head: bool) -> None:
            if self._begin():
                return
            document = server.documents.get(self.path.split("?", 1)[0])
            if document is None:
                self._reply(404, b"not found\n", {"Content-Type": "text/plain"}, head=head)
                return
            validators = {
                "ETag": document.etag,
                "Last-Modified": _http_date(document.last_modified),
                "Cache-Control": "no-cache",
            }
            if self._not_modified(document):
                self._reply(304, b"", validators)
                return
            headers = {**validators, "Content-Type": document.content_type}
            self._reply(200, document.body, headers, head=head)

        def _not_modified(self, document: Document) -> bool:
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None:
                return _etags_match(if_none_match, document.etag)
            since = _parse_http_date(self.headers.get("If-Modified-Since", ""))
            return since is not None and document.last_modified <= since

        def do_GET(self) -> None:
            self._get(head=False)

        def do_HEAD(self) -> None:
            self._get(head=True)

        def _other(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            if not self._begin():
                self._reply(405, b"method not allowed\n", {"Allow": "GET, HEAD"})

        do_PROPFIND = do_REPORT = do_PUT = do_DELETE = do_POST = do_OPTIONS = _other

    return Handler
