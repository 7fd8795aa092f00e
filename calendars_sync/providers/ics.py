"""Read-only ICS feeds (an .ics URL, `webcal://` too), fetched with `requests`.

One feed is one calendar. A pull is a conditional GET (RFC 9110 13.1): the state keeps the feed's
ETag and Last-Modified, and a 304 means nothing changed. A 200 is the whole feed again, so the
pull is full (anything stored that the feed lacks is gone). Servers that send no validators, or
new ones for the same bytes, are caught by a hash of the body: the same body is "no change" too.
Events are keyed by UID (`uid#instance` for recurrences), so a reordered feed changes nothing.

The URL comes from a user: connections go through the outbound guard (no private addresses
unless CALLBACK_ALLOWED_NETWORKS allows them, checked on every connection and redirect), with
timeouts and a size limit.
"""

import datetime as dt
import email.utils
import hashlib
import json
from typing import Any

import requests

from calendars_sync.providers import icalendar_events, icalendar_fast
from calendars_sync.providers.base import (
    Credentials,
    GrantBroken,
    OutgoingEvent,
    ProviderRefused,
    Pull,
    PushChannel,
    PushUnsupported,
    RateLimited,
    RemoteCalendar,
)
from calendars_sync.providers.outbound_guard import (
    guarded_requests_session,
    refusal_in,
    url_problem,
    web_url,
)
from scheduling.outbound import url_shape_problem

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
MAX_FEED_BYTES = 20 * 1024 * 1024

__all__ = ["IcsAdapter", "retry_after_seconds", "url_problem"]


def retry_after_seconds(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Retry-After (RFC 9110 10.2.3) in seconds: delay-seconds or an HTTP-date; None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class IcsAdapter:
    """A feed at `credentials.url`, with optional basic auth."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    def _fetch(self, url: str, headers: dict[str, str]) -> tuple[requests.Response, bytes]:
        url = web_url(url)
        if problem := url_shape_problem(url):
            raise ProviderRefused(problem)
        auth = None
        if self.credentials.username or self.credentials.password:
            auth = (self.credentials.username, self.credentials.password)
        with guarded_requests_session() as session:
            try:
                response = session.get(
                    url,
                    headers={"Accept": "text/calendar, */*;q=0.5", **headers},
                    auth=auth,
                    timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                    stream=True,
                )
                with response:
                    _raise_for_status(response)
                    return response, _read_limited(response)
            except requests.RequestException as exc:
                refusal = refusal_in(exc)
                reason = str(refusal) if refusal else f"cannot fetch the feed: {type(exc).__name__}"
                raise ProviderRefused(reason) from exc

    def calendars(self) -> list[RemoteCalendar]:
        """The feed as one read-only calendar; fetching it proves it is an iCalendar feed."""
        _, body = self._fetch(self.credentials.url, {})
        calendars = _calendar_heads(body)
        name = next(
            (str(c["X-WR-CALNAME"]).strip() for c in calendars if c.get("X-WR-CALNAME")), ""
        )
        url = web_url(self.credentials.url)
        return [RemoteCalendar(remote_id=url, name=name or url, primary=True, readonly=True)]

    def pull(self, remote_calendar_id: str, *, state: str | None, window: tuple[Any, Any]) -> Pull:
        saved = _saved_state(state)
        headers = {}
        if saved.get("etag"):
            headers["If-None-Match"] = saved["etag"]
        if saved.get("last_modified"):
            headers["If-Modified-Since"] = saved["last_modified"]
        response, body = self._fetch(remote_calendar_id, headers)
        if response.status_code == 304:
            return Pull(events=[], deleted=[], full=False, state=state or "{}")
        digest = hashlib.sha256(body).hexdigest()
        new_state = json.dumps(
            {
                "etag": response.headers.get("ETag", ""),
                "last_modified": response.headers.get("Last-Modified", ""),
                "sha256": digest,
            }
        )
        if saved.get("sha256") == digest:  # the same bytes under new (or no) validators
            return Pull(events=[], deleted=[], full=False, state=new_state)
        try:
            events = icalendar_events.events_from_text(body, window=window)
        except icalendar_events.NotICalendar as exc:
            raise ProviderRefused(f"not an iCalendar feed: {exc}") from exc
        return Pull(events=events, deleted=[], full=True, state=new_state)

    def event_put(
        self, remote_calendar_id: str, event: OutgoingEvent, *, remote_id: str | None
    ) -> str:
        raise ProviderRefused("read-only: an ICS feed cannot be written")

    def event_delete(self, remote_calendar_id: str, remote_id: str) -> None:
        raise ProviderRefused("read-only: an ICS feed cannot be written")

    def push_start(self, remote_calendar_id: str, **kwargs: Any) -> PushChannel:
        raise PushUnsupported("ICS feeds have no push: polling covers them")

    def push_renew(self, channel: PushChannel, **kwargs: Any) -> PushChannel:
        raise PushUnsupported("ICS feeds have no push: polling covers them")

    def push_stop(self, channel: PushChannel) -> None:
        raise PushUnsupported("ICS feeds have no push: polling covers them")


def _saved_state(state: str | None) -> dict:
    """The stored validators; an unreadable state only costs a full fetch."""
    try:
        saved = json.loads(state) if state else {}
    except ValueError:
        return {}
    return saved if isinstance(saved, dict) else {}


def _raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    if status in (200, 304):
        return
    if status == 401:
        raise GrantBroken("the feed refused the user name or password (401)")
    if status == 429 or status >= 500:
        raise RateLimited(
            f"the feed answered {status}",
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )
    raise ProviderRefused(f"the feed answered {status}")


def _read_limited(response: requests.Response) -> bytes:
    if response.status_code == 304:
        return b""
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > MAX_FEED_BYTES:
            raise ProviderRefused(f"the feed is larger than {MAX_FEED_BYTES // 2**20} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def _calendar_heads(body: bytes) -> list:
    """The feed's calendars with their own properties (X-WR-CALNAME), its plain events read by
    the fast reader rather than icalendar's parser: a 10,000-event feed is checked at connect
    time and at every sync's calendar listing, in a fraction of a full parse."""
    try:
        split = icalendar_fast.split_calendars(body)
    except ValueError:
        split = None
    return [part.rest for part in split] if split is not None else _parse(body)


def _parse(body: bytes) -> list:
    try:
        return icalendar_events.parse_calendars(body)
    except icalendar_events.NotICalendar as exc:
        raise ProviderRefused(f"not an iCalendar feed: {exc}") from exc
