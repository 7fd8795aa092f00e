"""One structured log line per request, under a request id that the proxy, the logs and the client
share (README, "Logs and request ids").

The id is the client's or proxy's `X-Request-ID` when that is a sane value, so one id follows a
request from nginx to here; otherwise a fresh one. It goes back in the response's `X-Request-ID`
and onto every log record written while the request runs (`RequestIdFilter`).

Logs must never hold credentials: the line carries no header but the user agent, no body, and the
values of token-bearing query parameters (`et=`, `token=`, `access_token=`, ...) are replaced.
Paths and queries are re-encoded, so a crafted URL cannot forge a line in the text format.
"""

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest, HttpResponse
from django.utils.encoding import escape_uri_path

from scheduling.ratelimit import client_address

logger = logging.getLogger("access")

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Query parameters whose values are credentials or grant them; matched case-insensitively, whole
# name or as a part of it (`client_secret`, `refresh_token`).
_SECRET_PARAMS = frozenset({"et", "code"})
_SECRET_WORDS = ("token", "secret", "password", "key", "signature")
REDACTED = "[redacted]"
_MAX_LOGGED_CHARS = 2000

_current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def request_id_from(value: str | None) -> str:
    """The caller's id when it is short and of safe characters, else a new one."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def _is_secret(name: str) -> bool:
    name = name.lower()
    return name in _SECRET_PARAMS or any(word in name for word in _SECRET_WORDS)


def logged_path(request: HttpRequest) -> str:
    """The path and query, with credential values replaced."""
    path = escape_uri_path(request.path)
    query = request.META.get("QUERY_STRING", "")
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        safe = [(name, REDACTED if _is_secret(name) else value) for name, value in pairs]
        path = f"{path}?{urlencode(safe, safe='[]')}"
    return path[:_MAX_LOGGED_CHARS]


class RequestLogMiddleware:
    """Outermost middleware: it times everything and sees the final status, redirects included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        reset_token = _current_request_id.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            self._log(request, response, started)
            return response
        finally:
            _current_request_id.reset(reset_token)

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, started: float) -> None:
        path = logged_path(request)
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "client_ip": client_address(request),
                "user_agent": request.headers.get("User-Agent", "")[:_MAX_LOGGED_CHARS],
            },
        )


class RequestIdFilter(logging.Filter):
    """Puts the running request's id on every record (`-` outside requests). Django logs 4xx
    answers after the middleware has returned, with the request attached: its id is used."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or _current_request_id.get()
        return True


_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_PLAIN = (str, int, float, bool, type(None))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the `extra` fields that
    are plain values. Objects are left out: Django attaches the request to its records, and the
    request's repr holds the query string, credentials included."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {
            key: value
            for key, value in record.__dict__.items()
            if key not in _STANDARD_ATTRS and isinstance(value, _PLAIN)
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
