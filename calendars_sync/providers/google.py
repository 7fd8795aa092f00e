"""Google Calendar (API v3) behind `base.Adapter`, through google-api-python-client.

What this relies on, as Google documents it
(https://developers.google.com/calendar/api/v3/reference, .../guides/sync, .../guides/push):

- events.list returns `nextPageToken` on every page but the last, and `nextSyncToken` on the last
  one only. A later list with `syncToken` returns what changed since, deletions included (as items
  with status "cancelled", of which only `id` is guaranteed). timeMin/timeMax may not be combined
  with a syncToken; every other parameter must match the first list (singleEvents here).
- An expired or invalidated sync token answers 410 Gone (reason "fullSyncRequired"): start again.
- With singleEvents=true a recurring event arrives as its instances, each with `recurringEventId`
  and `originalStartTime`; an instance's id is `{recurringEventId}_{original start in UTC}`
  (`20261026T080000Z`, or `20261026` for all-day series). Event ids use base32hex characters, so
  the `_` cannot belong to the series id.
- Watch channels can't be extended: a new watch replaces an expiring one, and channels.stop needs
  the channel's id and resourceId. Notifications carry the channel's token.
- 401 means the access token is refused; 403 with reason rateLimitExceeded/userRateLimitExceeded,
  429 and 5xx mean back off (Retry-After when given).
"""

import contextlib
import datetime as dt
import email.utils
import json
import re
import secrets

import google.oauth2.credentials
import google_auth_httplib2
import httplib2
from django.conf import settings
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import build_http

from calendars_sync.providers.base import (
    SERIES_SEPARATOR,
    Credentials,
    GrantBroken,
    OutgoingEvent,
    ProviderRefused,
    Pull,
    PushChannel,
    RateLimited,
    RemoteCalendar,
    RemoteEvent,
    SyncStateExpired,
)

PAGE_SIZE = 2500  # events.list's maximum maxResults
READONLY_ROLES = {"reader", "freeBusyReader"}
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
# An instance id: `{series id}_{original start}`; the series id is base32hex (no `_`).
INSTANCE_ID = re.compile(r"^(?P<series>[^_]+)_(?P<key>\d{8}(?:T\d{6}Z)?)$")
RENEWAL_SUFFIX = re.compile(r"-r[0-9a-f]{8}$")


class GoogleAdapter:
    """One Google account, reached with a fresh OAuth access token (the service refreshes it)."""

    def __init__(self, credentials: Credentials) -> None:
        # The service refreshes tokens itself: a 401 must come back as an error (GrantBroken), not
        # make google-auth try a refresh it has no refresh token for.
        http = google_auth_httplib2.AuthorizedHttp(
            google.oauth2.credentials.Credentials(token=credentials.access_token),
            http=build_http(),
            refresh_status_codes=(),
        )
        # Built once per adapter: building reads the bundled discovery document (no network).
        self._service = build(
            "calendar",
            "v3",
            http=http,
            client_options={"api_endpoint": settings.GOOGLE_CALENDAR_API_URL},
            static_discovery=True,
            cache_discovery=False,
        )

    def calendars(self) -> list[RemoteCalendar]:
        """calendarList.list, every page; reader and freeBusyReader calendars are read-only."""
        found, page_token = [], None
        while True:
            page = _execute(self._service.calendarList().list(pageToken=page_token))
            found.extend(
                RemoteCalendar(
                    remote_id=entry["id"],
                    name=entry.get("summaryOverride") or entry.get("summary", ""),
                    primary=bool(entry.get("primary")),
                    readonly=entry.get("accessRole") in READONLY_ROLES,
                )
                for entry in page.get("items", [])
            )
            page_token = page.get("nextPageToken")
            if not page_token:
                return found

    def pull(
        self, remote_calendar_id: str, *, state: str | None, window: tuple[dt.datetime, dt.datetime]
    ) -> Pull:
        """A full listing of `window` (state None) or the changes since the sync token `state`.

        Both list with singleEvents=true, so recurrences arrive as instances expanded by Google.
        The full listing leaves deleted events out (showDeleted=false); an incremental one always
        carries them, as cancelled items."""
        if state is None:
            query = {
                "timeMin": window[0].isoformat(),
                "timeMax": window[1].isoformat(),
                "showDeleted": False,
            }
        else:
            query = {"syncToken": state, "showDeleted": True}
        events, deleted, deleted_series = [], [], []
        page_token = None
        while True:
            page = _execute(
                self._service.events().list(
                    calendarId=remote_calendar_id,
                    singleEvents=True,
                    maxResults=PAGE_SIZE,
                    pageToken=page_token,
                    **query,
                )
            )
            _sort_items(page.get("items", ()), events, deleted, deleted_series)
            page_token = page.get("nextPageToken")
            if not page_token:
                return Pull(
                    events=events,
                    deleted=deleted,
                    full=state is None,
                    state=page["nextSyncToken"],
                    deleted_series=deleted_series,
                )

    def event_put(
        self, remote_calendar_id: str, event: OutgoingEvent, *, remote_id: str | None
    ) -> str:
        """events.insert or events.update (sendUpdates "none": our writes invite no one). An
        event deleted at Google since (404) is created again, so the mapping stays whole."""
        body = _event_body(event)
        events = self._service.events()
        if remote_id is not None:
            try:
                updated = _execute(
                    events.update(
                        calendarId=remote_calendar_id,
                        eventId=_google_id(remote_id),
                        body=body,
                        sendUpdates="none",
                    ),
                    gone=True,
                )
                return updated["id"]
            except _Gone:
                pass
        created = _execute(
            events.insert(calendarId=remote_calendar_id, body=body, sendUpdates="none")
        )
        return created["id"]

    def event_delete(self, remote_calendar_id: str, remote_id: str) -> None:
        """events.delete; Google answers 410 for an event already deleted and 404 for one it
        never had: neither is an error here."""
        request = self._service.events().delete(
            calendarId=remote_calendar_id, eventId=_google_id(remote_id), sendUpdates="none"
        )
        with contextlib.suppress(_Gone):
            _execute(request, gone=True)

    def push_start(
        self, remote_calendar_id: str, *, callback_url: str, channel_id: str, token: str
    ) -> PushChannel:
        """events.watch: Google POSTs to `callback_url` with X-Goog-Channel-Token = `token`."""
        answer = _execute(
            self._service.events().watch(
                calendarId=remote_calendar_id,
                body={
                    "id": channel_id,
                    "type": "web_hook",
                    "address": callback_url,
                    "token": token,
                },
            )
        )
        expiration_ms = int(answer["expiration"])
        return PushChannel(
            channel_id=answer["id"],
            resource_id=answer["resourceId"],
            expires_at=dt.datetime.fromtimestamp(expiration_ms / 1000, tz=dt.UTC),
        )

    def push_renew(
        self, channel: PushChannel, *, remote_calendar_id: str, callback_url: str, token: str
    ) -> PushChannel:
        """Google channels can't be extended: watch again under a new channel id (ids must be
        unique), then stop the old channel, so no change falls between the two."""
        base = RENEWAL_SUFFIX.sub("", channel.channel_id)[:48]
        renewed = self.push_start(
            remote_calendar_id,
            callback_url=callback_url,
            channel_id=f"{base}-r{secrets.token_hex(4)}",
            token=token,
        )
        self.push_stop(channel)
        return renewed

    def push_stop(self, channel: PushChannel) -> None:
        """channels.stop; a channel Google no longer knows (404) is no error."""
        request = self._service.channels().stop(
            body={"id": channel.channel_id, "resourceId": channel.resource_id}
        )
        with contextlib.suppress(_Gone):
            _execute(request, gone=True)


class _Gone(Exception):
    """404/410 where the caller treats it as "already gone"."""


def _execute(request, *, gone: bool = False) -> dict:
    """Run one request with the client's own retries off (the service owns backoff) and turn
    Google's errors into the adapters' exceptions (`gone`: 404/410 raise `_Gone`)."""
    try:
        return request.execute(num_retries=0) or {}
    except HttpError as error:
        status = error.resp.status
        if gone and status in (404, 410):
            raise _Gone from error
        raise _mapped(error) from error
    except (OSError, httplib2.HttpLib2Error) as error:
        # Unreachable or timed out: transient, like a 503.
        raise RateLimited(f"Google unreachable: {type(error).__name__}") from error


def _mapped(error: HttpError) -> Exception:
    status, reason = error.resp.status, _reason(error)
    message = f"Google answered {status} {reason}".strip()
    if status == 410:
        return SyncStateExpired(message)
    if status == 401:
        return GrantBroken(message)
    if status == 429 or status >= 500 or (status == 403 and reason in RATE_LIMIT_REASONS):
        return RateLimited(message, retry_after=_retry_after(error.resp.get("retry-after")))
    return ProviderRefused(message)


def _reason(error: HttpError) -> str:
    """The first `errors[].reason` of Google's error body ("" when there is none)."""
    try:
        body = json.loads(error.content)
        return body["error"]["errors"][0]["reason"]
    except (ValueError, KeyError, IndexError, TypeError):
        return ""


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _sort_items(
    items: list[dict], events: list[RemoteEvent], deleted: list[str], deleted_series: list[str]
) -> None:
    """Upserts to `events`; a cancelled instance is one deletion, a cancelled single event or
    series master takes every stored instance of its series with it."""
    for item in items:
        if item.get("status") != "cancelled":
            events.append(_remote_event(item))
            continue
        remote_id = _remote_id(item)
        if SERIES_SEPARATOR in remote_id:
            deleted.append(remote_id)
        else:
            deleted_series.append(remote_id)


def _remote_event(item: dict) -> RemoteEvent:
    start, end = item["start"], item["end"]
    if "date" in start:
        begins, ends = dt.date.fromisoformat(start["date"]), dt.date.fromisoformat(end["date"])
    else:
        begins = dt.datetime.fromisoformat(start["dateTime"])
        ends = dt.datetime.fromisoformat(end["dateTime"])
    return RemoteEvent(
        remote_id=_remote_id(item),
        start=begins,
        end=ends,
        summary=item.get("summary", ""),
        description=item.get("description", ""),
        location=item.get("location", ""),
        tzid=start.get("timeZone"),
        transparent=item.get("transparency") == "transparent",
        status=item.get("status", "confirmed"),
    )


def _remote_id(item: dict) -> str:
    """A single event's id, or `{series id}#{original start in UTC}` for an instance."""
    series = item.get("recurringEventId")
    original = item.get("originalStartTime")
    if series and original:
        if "date" in original:
            key = original["date"].replace("-", "")
        else:
            moment = dt.datetime.fromisoformat(original["dateTime"]).astimezone(dt.UTC)
            key = moment.strftime("%Y%m%dT%H%M%SZ")
        return f"{series}{SERIES_SEPARATOR}{key}"
    # Deleted items are only guaranteed their id: an instance's id still names its series.
    match = INSTANCE_ID.match(item["id"]) if item.get("status") == "cancelled" else None
    if match:
        return f"{match['series']}{SERIES_SEPARATOR}{match['key']}"
    return item["id"]


def _google_id(remote_id: str) -> str:
    """Back from our instance id to Google's (`{series}_{key}`)."""
    return remote_id.replace(SERIES_SEPARATOR, "_", 1)


def _event_body(event: OutgoingEvent) -> dict:
    return {
        "summary": event.summary,
        "description": event.description,
        "location": event.location,
        "start": _when(event.start, event.tzid),
        "end": _when(event.end, event.tzid),
        "transparency": "transparent" if event.transparent else "opaque",
    }


def _when(value: dt.datetime | dt.date, tzid: str) -> dict:
    if isinstance(value, dt.datetime):
        return {"dateTime": value.isoformat(), "timeZone": tzid}
    return {"date": value.isoformat()}
