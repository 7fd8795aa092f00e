"""CalDAV (RFC 4791: iCloud, Fastmail, Nextcloud, Radicale, ...) through the `caldav` library.

Each calendar object (one href) holds one event or one recurring series with its overrides, so the
href is the series id: a changed object replaces its series whole, a removed one deletes it, and
neither needs the old data. Sync state is JSON:
- `{"sync_token": ...}` where the server offers RFC 6578 sync-collection: an incremental pull asks
  what changed since the token; an invalid token (403/409/412 with DAV:valid-sync-token) raises
  SyncStateExpired (caldav would quietly fall back to a full listing without deletions);
- `{"ctag": ..., "etags": {href: etag}}` where it does not: an unchanged ctag (CalendarServer's
  getctag) means nothing changed, otherwise comparing the ETags gives changed and removed hrefs.
A full pull takes the token (or ETags) first and the data after, so a change in between comes
again next time rather than being lost; the data comes as a listing of the window's hrefs (a
calendar-query for ETags) and calendar-multigets of MULTIGET_CHUNK hrefs, since servers cap one
answer (Radicale: 10,000 VEVENTs). Recurrences are expanded here, within the window, for
every server alike. Polling covers CalDAV: it has no push.
"""

import contextlib
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

import caldav
import niquests
from caldav.elements import cdav, dav
from caldav.elements.base import ValuedBaseElement
from caldav.lib import error as dav_error
from caldav.lib.url import URL
from lxml import etree

from calendars_sync.providers import icalendar_events
from calendars_sync.providers.base import (
    SERIES_SEPARATOR,
    Credentials,
    GrantBroken,
    OutgoingEvent,
    ProviderRefused,
    Pull,
    PushChannel,
    PushUnsupported,
    RateLimited,
    RemoteCalendar,
    RemoteEvent,
    SyncStateExpired,
)
from calendars_sync.providers.outbound_guard import guarded_niquests_session, refusal_in
from scheduling.outbound import url_shape_problem

TIMEOUT = 30
_SLASHES = re.compile("/{2,}")
MULTIGET_CHUNK = 500


class GetCTag(ValuedBaseElement):
    """CalendarServer's collection tag: it changes whenever anything in the calendar does."""

    tag = "{http://calendarserver.org/ns/}getctag"


@contextlib.contextmanager
def provider_errors() -> Iterator[None]:
    """caldav's and niquests' errors as the adapter interface's."""
    try:
        yield
    except dav_error.RateLimitError as exc:
        raise RateLimited(str(exc), retry_after=exc.retry_after_seconds) from exc
    except dav_error.DAVError as exc:
        if dav.ValidSyncToken.tag in getattr(exc, "preconditions", []):
            raise SyncStateExpired("the server no longer knows the sync token") from exc
        status = getattr(exc, "status", None)
        if status == 401:
            raise GrantBroken("the CalDAV server refused the user name or password") from exc
        if isinstance(status, int) and status >= 500:
            raise RateLimited(f"the CalDAV server answered {status}") from exc
        raise ProviderRefused(f"the CalDAV server refused: {_describe(exc)}") from exc
    except (niquests.exceptions.RequestException, OSError) as exc:
        refusal = refusal_in(exc)
        reason = (
            str(refusal) if refusal else f"cannot reach the CalDAV server: {type(exc).__name__}"
        )
        raise ProviderRefused(reason) from exc
    except (ValueError, KeyError) as exc:  # unparsable replies (not a CalDAV server)
        raise ProviderRefused(f"the server does not answer as a CalDAV server: {exc}") from exc


def _describe(exc: dav_error.DAVError) -> str:
    return f"{getattr(exc, 'status', None) or ''} {getattr(exc, 'reason', '') or ''}".strip()


def href_of(url: URL | str) -> str:
    """An object's href as the series id: its path without doubled slashes, decoded once
    (servers differ in quoting). Plain string work: caldav's URL.canonical() costs more than
    parsing the event, per object of a large calendar."""
    return unquote(_SLASHES.sub("/", urlsplit(str(url)).path))


class CalDAVAdapter:
    """One CalDAV account: server URL, user name and (app) password."""

    def __init__(self, credentials: Credentials, *, timeout: float = TIMEOUT) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self._client: caldav.DAVClient | None = None

    def _dav(self) -> caldav.DAVClient:
        if self._client is None:
            if problem := url_shape_problem(self.credentials.url):
                raise ProviderRefused(problem)
            client = caldav.DAVClient(
                url=self.credentials.url,
                username=self.credentials.username or None,
                password=self.credentials.password or None,
                timeout=self.timeout,
                enable_rfc6764=False,
            )
            client.session.close()  # the library's own, unguarded session: never used
            client.session = guarded_niquests_session()
            self._client = client
        return self._client

    def close(self) -> None:
        """Release the HTTP connections (the adapter can still be used afterwards)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def _calendar(self, remote_calendar_id: str) -> caldav.Calendar:
        return self._dav().calendar(url=remote_calendar_id)

    def calendars(self) -> list[RemoteCalendar]:
        with provider_errors():
            found = self._dav().principal().calendars()
            return [
                RemoteCalendar(
                    remote_id=str(calendar.url),
                    name=calendar.get_display_name() or href_of(calendar.url).strip("/"),
                    primary=index == 0,
                )
                for index, calendar in enumerate(found)
            ]

    def pull(
        self,
        remote_calendar_id: str,
        *,
        state: str | None,
        window: tuple[Any, Any],
    ) -> Pull:
        with provider_errors():
            calendar = self._calendar(remote_calendar_id)
            if state is None:
                return self._pull_full(calendar, window)
            saved = _saved_state(state)
            if saved.get("sync_token"):
                return self._pull_since_token(calendar, saved["sync_token"], window)
            return self._pull_by_etags(calendar, saved, window)

    def _pull_full(self, calendar: caldav.Calendar, window: tuple[Any, Any]) -> Pull:
        token = self._current_token(calendar)
        if token:
            state = {"sync_token": token}
        else:
            state = {"ctag": self._ctag(calendar), "etags": self._etags(calendar)}
        hrefs = self._hrefs_in_window(calendar, window)
        events = _expand(self._multiget(calendar, hrefs), window)
        return Pull(events=events, deleted=[], full=True, state=json.dumps(state))

    def _report(self, calendar: caldav.Calendar, root, depth: int | None) -> Any:
        """A REPORT with our own body, through caldav's client and its error types. The library's
        search and multiget make an object per calendar object (with URL work that costs more
        than reading the event) and ask for every object's data in one answer, which servers
        cap: Radicale refuses an answer with more than 10,000 VEVENTs (max_expand_occurrence)."""
        response = self._dav().report(str(calendar.url), etree.tostring(root), depth=depth)
        if response.status >= 400:
            exception = dav_error.NotFoundError if response.status == 404 else dav_error.ReportError
            raise dav_error.error_from_response(exception, response)
        return response

    def _hrefs_in_window(self, calendar: caldav.Calendar, window: tuple[Any, Any]) -> list[str]:
        """The hrefs of the event objects with an instance in the window (RFC 4791 7.8
        calendar-query with a time-range, ETags only: no calendar data yet)."""
        in_window = cdav.CompFilter("VEVENT") + cdav.TimeRange(start=window[0], end=window[1])
        query = cdav.CalendarQuery() + (dav.Prop() + dav.GetEtag())
        query += cdav.Filter() + (cdav.CompFilter("VCALENDAR") + in_window)
        response = self._report(calendar, query.xmlelement(), depth=1)
        own = href_of(calendar.url)
        found = {_answered_href(calendar, url) for url in response.expand_simple_props([])}
        return sorted(found - {own})

    def _current_token(self, calendar: caldav.Calendar) -> str | None:
        """The collection's sync token now, or None when the server has no RFC 6578 support.

        The DAV:sync-token property (RFC 6578 section 4) costs one small PROPFIND; a
        sync-collection from scratch, the fallback, lists every object."""
        try:
            token = calendar.get_property(dav.SyncToken())
        except (dav_error.PropfindError, dav_error.NotFoundError):
            token = None
        if token:
            return str(token)
        try:
            collection = calendar.get_objects_by_sync_token(
                None, load_objects=False, disable_fallback=True
            )
        except (dav_error.ReportError, dav_error.PropfindError, dav_error.NotFoundError):
            return None
        except dav_error.AuthorizationError as exc:
            if exc.status == 403 and not exc.preconditions:
                return None  # some servers forbid the REPORT itself
            raise
        return str(collection.sync_token) if collection.sync_token else None

    def _pull_since_token(
        self, calendar: caldav.Calendar, token: str, window: tuple[Any, Any]
    ) -> Pull:
        collection = calendar.get_objects_by_sync_token(
            token, load_objects=False, disable_fallback=True
        )
        removed = {href_of(url) for url in collection.deleted_urls}
        own = href_of(calendar.url)
        changed = {href_of(o.url) for o in collection} - removed - {own}
        state = json.dumps({"sync_token": str(collection.sync_token or token)})
        return self._changes(calendar, changed, removed, window, state)

    def _pull_by_etags(self, calendar: caldav.Calendar, saved: dict, window) -> Pull:
        ctag = self._ctag(calendar)
        if ctag and ctag == saved.get("ctag"):
            return Pull(events=[], deleted=[], full=False, state=json.dumps(saved))
        etags = self._etags(calendar)
        before = saved.get("etags", {})
        changed = {href for href, etag in etags.items() if before.get(href) != etag}
        removed = set(before) - set(etags)
        state = json.dumps({"ctag": ctag, "etags": etags})
        return self._changes(calendar, changed, removed, window, state)

    def _changes(self, calendar, changed: set[str], removed: set[str], window, state) -> Pull:
        """Changed objects re-read (their series replaced), removed ones deleted whole."""
        loaded = self._multiget(calendar, sorted(changed))
        gone = changed - {href for href, _ in loaded}  # removed between listing and fetch
        return Pull(
            events=_expand(loaded, window),
            deleted=[],
            full=False,
            state=state,
            deleted_series=sorted(removed | gone),
            replaced_series=sorted(changed - gone),
        )

    def _multiget(self, calendar: caldav.Calendar, hrefs: list[str]) -> list[tuple[str, str]]:
        """(href, iCalendar text) of the objects still there, MULTIGET_CHUNK hrefs per
        calendar-multiget REPORT (RFC 4791 7.9); a chunk the server refuses as too large is
        asked for in halves."""
        loaded: list[tuple[str, str]] = []
        for start in range(0, len(hrefs), MULTIGET_CHUNK):
            loaded.extend(self._multiget_chunk(calendar, hrefs[start : start + MULTIGET_CHUNK]))
        return loaded

    def _multiget_chunk(self, calendar: caldav.Calendar, hrefs: list[str]) -> list[tuple[str, str]]:
        # With the ETag, as caldav asks: some servers answer 500 to calendar-data alone.
        prop = dav.Prop() + cdav.CalendarData()
        query = cdav.CalendarMultiGet() + (prop + dav.GetEtag())
        for href in hrefs:
            query += dav.Href(value=calendar.url.join(href).path)
        try:
            response = self._report(calendar, query.xmlelement(), depth=None)
        except dav_error.ReportError as exc:
            if len(hrefs) < 2 or exc.status not in (400, 413, 507):  # a lasting error: ~9 tries
                raise
            half = len(hrefs) // 2
            return self._multiget_chunk(calendar, hrefs[:half]) + self._multiget_chunk(
                calendar, hrefs[half:]
            )
        found = response.expand_simple_props([cdav.CalendarData()])
        return [
            (_answered_href(calendar, url), props[cdav.CalendarData.tag])
            for url, props in found.items()
            if props.get(cdav.CalendarData.tag)
        ]

    def _ctag(self, calendar: caldav.Calendar) -> str | None:
        try:
            value = calendar.get_property(GetCTag())
        except dav_error.PropfindError:
            return None
        return str(value) if value else None

    def _etags(self, calendar: caldav.Calendar) -> dict[str, str]:
        """href -> ETag of every object in the calendar (a depth-1 PROPFIND)."""
        response = self._dav().propfind(str(calendar.url), ["getetag"], depth=1)
        own = href_of(calendar.url)
        etags = {}
        for url, values in response.expand_simple_props([dav.GetEtag()]).items():
            href = href_of(calendar.url.join(url))
            if href != own and values.get(dav.GetEtag.tag):
                etags[href] = str(values[dav.GetEtag.tag])
        return etags

    def event_put(
        self, remote_calendar_id: str, event: OutgoingEvent, *, remote_id: str | None
    ) -> str:
        """PUT the event: to a new href named after its UID, or over `remote_id`'s href."""
        if remote_id and SERIES_SEPARATOR in remote_id:
            raise ProviderRefused("one instance of a recurring CalDAV series cannot be written")
        text = icalendar_events.calendar_text(event)
        with provider_errors():
            calendar = self._calendar(remote_calendar_id)
            if remote_id:
                obj = caldav.Event(
                    self._dav(), url=calendar.url.join(remote_id), data=text, parent=calendar
                )
                obj.save(increase_seqno=False)
            else:
                obj = calendar.save_event(text)
            return href_of(obj.url)

    def event_delete(self, remote_calendar_id: str, remote_id: str) -> None:
        """DELETE the object at the href; one already gone is no error."""
        if SERIES_SEPARATOR in remote_id:
            raise ProviderRefused("one instance of a recurring CalDAV series cannot be deleted")
        with provider_errors():
            calendar = self._calendar(remote_calendar_id)
            obj = caldav.Event(self._dav(), url=calendar.url.join(remote_id), parent=calendar)
            try:
                obj.delete()
            except dav_error.NotFoundError:
                return

    def push_start(self, remote_calendar_id: str, **kwargs: Any) -> PushChannel:
        raise PushUnsupported("CalDAV has no push: polling covers it")

    def push_renew(self, channel: PushChannel, **kwargs: Any) -> PushChannel:
        raise PushUnsupported("CalDAV has no push: polling covers it")

    def push_stop(self, channel: PushChannel) -> None:
        raise PushUnsupported("CalDAV has no push: polling covers it")


def _answered_href(calendar: caldav.Calendar, url: str) -> str:
    """An href of a multistatus answer as the series id: an absolute path as it is (joining
    it to the calendar's URL, caldav's way, costs more than reading its event), anything
    else joined."""
    if url.startswith("/") and not any(c in url for c in ";?#"):
        return href_of(url)
    return href_of(calendar.url.join(url))


def _saved_state(state: str) -> dict:
    """The stored JSON; anything unreadable means a fresh start."""
    try:
        saved = json.loads(state)
    except ValueError as exc:
        raise SyncStateExpired("the stored CalDAV sync state is unreadable") from exc
    if not isinstance(saved, dict) or not (saved.get("sync_token") or "etags" in saved):
        raise SyncStateExpired("the stored CalDAV sync state is unreadable")
    return saved


def _expand(objects: Iterable[tuple[Any, str]], window) -> list[RemoteEvent]:
    """Every object's events in the window, each object's href its series id."""
    events: list[RemoteEvent] = []
    for url, data in objects:
        href = href_of(url)
        try:
            found = icalendar_events.events_from_text(
                data, window=window, series_id=lambda _uid, href=href: href
            )
        except icalendar_events.NotICalendar:
            continue  # one broken object must not stop the calendar's sync
        events.extend(found)
    return events
