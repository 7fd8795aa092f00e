"""Microsoft Graph (Outlook calendars) behind `base.Adapter`, through msgraph-sdk.

The SDK's `GraphServiceClient` runs over a `GraphRequestAdapter` whose base URL is
settings.MICROSOFT_GRAPH_URL and whose auth provider hands over the access token the service
gives us (kiota's `BaseBearerTokenAuthenticationProvider`); it never refreshes tokens itself.
The SDK's retry handler is switched off: the sync service owns the backoff (`RateLimited`).

What Graph documents and this module relies on:
- calendarView delta (learn.microsoft.com/graph/delta-query-events): the first call carries
  startDateTime/endDateTime; pages follow @odata.nextLink until @odata.deltaLink, whose URL (the
  window encoded in its $deltatoken) starts the next round. `Prefer: odata.maxpagesize` sets the
  page size and must be sent on every call of the round; `Prefer: outlook.timezone="UTC"` makes
  start/end UTC. Removed items come as {"id", "@removed": {"reason"}} and nothing else. The view
  returns expanded occurrences (type "occurrence"/"exception", with `seriesMasterId`); an
  expired or unknown state answers 410 (or a syncStateNotFound/resyncRequired code).
- Errors carry {"error": {"code", "message"}}; 429/503/504 carry Retry-After in seconds.
- Subscriptions on Outlook resources live at most 4230 minutes; the service PATCHes them before.

Sync state: JSON {"deltaLink": url, "instances": {occurrence id: series master id}}. A removed
occurrence arrives with its own id only, so the map turns it back into the remote id we gave it
(f"{seriesMasterId}#{occurrence id}"); it holds occurrences only (single events need no entry).

Requests are built by the SDK's request builders (with_url(...) for Graph's absolute nextLink and
deltaLink URLs) and sent through its pipeline (auth, middleware, errors mapped to ODataError),
but answers are read as plain JSON (`send`): the SDK's model parsing costs ~20 ms an event plus
~8 s of imports on first use, which a 10,000-event import cannot afford. Request bodies are
the SDK's models (Event, Subscription), serialized by it.

The public methods are synchronous; the SDK is async, so each call runs its coroutine with
asyncio.run, or in a short-lived worker thread when the calling thread already runs a loop.
"""

import asyncio
import datetime as dt
import email.utils
import json
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from django.conf import settings
from kiota_abstractions.api_error import APIError
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.request_information import RequestInformation
from kiota_http.middleware.options import RetryHandlerOption, UrlReplaceHandlerOption
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event
from msgraph.generated.models.free_busy_status import FreeBusyStatus
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.location import Location
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.subscription import Subscription
from msgraph.generated.users.item.calendars.item.calendar_view.delta.delta_request_builder import (
    DeltaRequestBuilder,
)
from msgraph_core import GraphClientFactory

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

T = TypeVar("T")
PAGE_SIZE = 1000
# Graph keeps subscriptions on Outlook events at most 4230 minutes (under 3 days): ask 70 hours.
SUBSCRIPTION_LIFETIME = dt.timedelta(minutes=4200)
EXPIRED_CODES = {"syncstatenotfound", "resyncrequired", "syncstateinvalid"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
GRAPH_TIME = "%Y-%m-%dT%H:%M:%S"
ERRORS = {"XXX": ODataError}


class StaticToken(AccessTokenProvider):
    """The access token the service refreshed for this call, for the Graph host only (https,
    or http on localhost for the tests' fake)."""

    def __init__(self, token: str, url: str) -> None:
        self.token = token
        self.validator = AllowedHostsValidator([urlsplit(url).hostname or ""])

    async def get_authorization_token(self, uri: str, additional_authentication_context=None):
        parts = urlsplit(uri)
        if parts.scheme != "https" and parts.hostname not in LOCAL_HOSTS:
            raise ProviderRefused("Graph must be reached over https")
        return self.token if self.validator.is_url_host_valid(uri) else ""

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self.validator


class MicrosoftAdapter:
    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    # --- running the SDK ---
    def _run(self, work: Callable[[GraphServiceClient], Awaitable[T]]) -> T:
        """Run `work` with a fresh client (its connections belong to this call's loop)."""

        async def main() -> T:
            base_url = settings.MICROSOFT_GRAPH_URL.rstrip("/")
            http = GraphClientFactory.create_with_default_middleware(
                client=httpx.AsyncClient(timeout=httpx.Timeout(60, connect=10)),
                options={
                    # Graph's /me paths go through the SDK's /users/{id} builders.
                    UrlReplaceHandlerOption.get_key(): UrlReplaceHandlerOption(
                        enabled=True, replacement_pairs={"/users/me-token-to-replace": "/me"}
                    ),
                    RetryHandlerOption.get_key(): RetryHandlerOption(
                        max_retries=0, should_retry=False
                    ),
                },
            )
            auth = BaseBearerTokenAuthenticationProvider(
                StaticToken(self.credentials.access_token, base_url)
            )
            request_adapter = GraphRequestAdapter(auth, client=http)
            request_adapter.base_url = base_url
            try:
                return await work(GraphServiceClient(request_adapter=request_adapter))
            except APIError as error:
                raise translate(error) from error
            except httpx.HTTPError as error:
                raise RateLimited(f"Graph unreachable: {type(error).__name__}") from error
            finally:
                await http.aclose()

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(main())
        with ThreadPoolExecutor(max_workers=1) as worker:
            return worker.submit(asyncio.run, main()).result()

    # --- calendars ---
    def calendars(self) -> list[RemoteCalendar]:
        """GET /me/calendars, following @odata.nextLink."""

        async def work(client: GraphServiceClient) -> list[RemoteCalendar]:
            builder, found = client.me.calendars, []
            while builder:
                page = await send(client, builder.to_get_request_information())
                found += [
                    RemoteCalendar(
                        remote_id=calendar["id"],
                        name=calendar.get("name") or "",
                        primary=bool(calendar.get("isDefaultCalendar")),
                        readonly=calendar.get("canEdit") is False,
                    )
                    for calendar in page.get("value") or []
                ]
                link = page.get("@odata.nextLink")
                builder = client.me.calendars.with_url(link) if link else None
            return found

        return self._run(work)

    # --- pull ---
    def pull(
        self, remote_calendar_id: str, *, state: str | None, window: tuple[dt.datetime, dt.datetime]
    ) -> Pull:
        """A full round (state None) over `window`, or the changes since the stored deltaLink."""
        link, instances = read_state(state)

        async def work(client: GraphServiceClient) -> Pull:
            view = client.me.calendars.by_calendar_id(remote_calendar_id).calendar_view.delta
            config = RequestConfiguration(
                query_parameters=DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(
                    start_date_time=iso_utc(window[0]), end_date_time=iso_utc(window[1])
                )
            )
            config.headers.add("Prefer", f'odata.maxpagesize={PAGE_SIZE}, outlook.timezone="UTC"')
            builder = view.with_url(link) if link else view
            collector = Collector(dict(instances) if link else {})
            while True:
                page = await send(client, builder.to_get_request_information(config))
                collector.add(page.get("value") or [])
                next_link = page.get("@odata.nextLink")
                if not next_link:
                    break
                builder = view.with_url(next_link)
            delta_link = page.get("@odata.deltaLink")
            if not delta_link:
                raise ProviderRefused("Graph ended a delta round without a deltaLink")
            return collector.result(full=link is None, delta_link=delta_link)

        return self._run(work)

    # --- writes ---
    def event_put(
        self, remote_calendar_id: str, event: OutgoingEvent, *, remote_id: str | None
    ) -> str:
        """POST /me/calendars/{id}/events, or PATCH /me/events/{id} (the whole of what we own)."""
        body = outgoing(event)

        async def work(client: GraphServiceClient) -> str:
            if remote_id:
                info = client.me.events.by_event_id(remote_id).to_patch_request_information(body)
            else:
                calendar = client.me.calendars.by_calendar_id(remote_calendar_id)
                info = calendar.events.to_post_request_information(body)
            saved = await send(client, info)
            return saved.get("id") or remote_id or ""

        return self._run(work)

    def event_delete(self, remote_calendar_id: str, remote_id: str) -> None:
        """DELETE /me/events/{id} (an occurrence by its own id); a 404: gone already."""
        event_id = remote_id.rpartition(SERIES_SEPARATOR)[2]

        async def work(client: GraphServiceClient) -> None:
            try:
                await send(
                    client, client.me.events.by_event_id(event_id).to_delete_request_information()
                )
            except APIError as error:
                if error.response_status_code != 404:
                    raise

        self._run(work)

    # --- push ---
    def push_start(
        self, remote_calendar_id: str, *, callback_url: str, channel_id: str, token: str
    ) -> PushChannel:
        """POST /subscriptions on the calendar's events; Graph first POSTs a validationToken to
        `callback_url`, which must echo it. The channel id is Graph's subscription id
        (`channel_id` is not used: Graph names its subscriptions)."""
        subscription = Subscription(
            change_type="created,updated,deleted",
            notification_url=callback_url,
            resource=f"me/calendars/{remote_calendar_id}/events",
            expiration_date_time=dt.datetime.now(dt.UTC) + SUBSCRIPTION_LIFETIME,
            client_state=token,
        )

        async def work(client: GraphServiceClient) -> PushChannel:
            info = client.subscriptions.to_post_request_information(subscription)
            return channel_of(await send(client, info))

        return self._run(work)

    def push_renew(
        self, channel: PushChannel, *, remote_calendar_id: str, callback_url: str, token: str
    ) -> PushChannel:
        """PATCH /subscriptions/{id} with a new expirationDateTime (Graph answers 404 for a
        subscription that has expired: ProviderRefused, and the service starts a new one)."""
        change = Subscription(expiration_date_time=dt.datetime.now(dt.UTC) + SUBSCRIPTION_LIFETIME)

        async def work(client: GraphServiceClient) -> PushChannel:
            builder = client.subscriptions.by_subscription_id(channel.channel_id)
            saved = await send(client, builder.to_patch_request_information(change))
            expires = parse_instant(saved["expirationDateTime"])
            return PushChannel(channel.channel_id, channel.resource_id, expires)

        return self._run(work)

    def push_stop(self, channel: PushChannel) -> None:
        """DELETE /subscriptions/{id}; a 404 means it is gone already."""

        async def work(client: GraphServiceClient) -> None:
            builder = client.subscriptions.by_subscription_id(channel.channel_id)
            try:
                await send(client, builder.to_delete_request_information())
            except APIError as error:
                if error.response_status_code != 404:
                    raise

        self._run(work)


class Collector:
    """Turns delta pages into a Pull, keeping the occurrence -> series map for removals."""

    def __init__(self, instances: dict[str, str]) -> None:
        self.instances = instances
        self.events: list[RemoteEvent] = []
        self.deleted: list[str] = []
        self.deleted_series: list[str] = []

    def add(self, items: list[dict]) -> None:
        for item in items:
            item_id = item["id"]
            kind = item.get("type")
            if kind in ("occurrence", "exception") and item.get("seriesMasterId"):
                self.instances[item_id] = item["seriesMasterId"]
            if "@removed" in item or item.get("isCancelled"):
                self.remove(item_id)
            elif kind != "seriesMaster":  # a master's occurrences arrive expanded
                self.events.append(remote_event(item, self.remote_id(item_id)))

    def remote_id(self, item_id: str) -> str:
        series = self.instances.get(item_id)
        return f"{series}{SERIES_SEPARATOR}{item_id}" if series else item_id

    def remove(self, item_id: str) -> None:
        if item_id in self.instances:
            self.deleted.append(self.remote_id(item_id))
            del self.instances[item_id]
        else:  # a single event or a whole series
            self.deleted.append(item_id)
            self.deleted_series.append(item_id)

    def result(self, *, full: bool, delta_link: str) -> Pull:
        state = json.dumps({"deltaLink": delta_link, "instances": self.instances})
        return Pull(
            events=self.events,
            deleted=self.deleted,
            full=full,
            state=state,
            deleted_series=self.deleted_series,
        )


def remote_event(item: dict, remote_id: str) -> RemoteEvent:
    all_day = bool(item.get("isAllDay"))
    show_as = item.get("showAs") or "busy"
    return RemoteEvent(
        remote_id=remote_id,
        start=graph_instant(item.get("start"), all_day),
        end=graph_instant(item.get("end"), all_day),
        summary=item.get("subject") or "",
        description=(item.get("body") or {}).get("content") or "",
        location=(item.get("location") or {}).get("displayName") or "",
        tzid=iana(item.get("originalStartTimeZone")),
        transparent=show_as == "free",
        status="tentative" if show_as == "tentative" else "confirmed",
    )


def graph_instant(value: dict | None, all_day: bool) -> dt.datetime | dt.date:
    """ "2026-12-01T09:00:00.0000000" in `timeZone` (UTC, as we ask) -> aware; all-day -> date."""
    text = (value or {}).get("dateTime")
    if not text:
        raise ProviderRefused("Graph sent an event without start/end")
    if all_day:
        return dt.date.fromisoformat(text[:10])
    return dt.datetime.fromisoformat(text[:19]).replace(
        tzinfo=zone_of(value.get("timeZone") or "UTC")
    )


@lru_cache(maxsize=256)
def iana(name: str | None) -> str | None:
    """Graph's originalStartTimeZone when it is an IANA name (it may be a Windows name)."""
    if not name or "/" not in name or name.startswith("tzone:"):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


@lru_cache(maxsize=256)
def zone_of(name: str) -> dt.tzinfo:
    if name.upper() in ("UTC", "ETC/UTC", "GMT"):
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ProviderRefused(f"Graph sent an unknown time zone {name!r}") from error


def outgoing(event: OutgoingEvent) -> Event:
    """Our event as Graph's: dateTime in the event's own zone (Graph takes IANA names, and
    "UTC"); an all-day event starts and ends at midnight, as Graph requires."""
    all_day = not isinstance(event.start, dt.datetime)
    zone = "UTC" if event.tzid in ("Etc/UTC", "UTC", "Etc/GMT", "GMT") else event.tzid

    def when(value: dt.datetime | dt.date) -> DateTimeTimeZone:
        if isinstance(value, dt.datetime):
            local = value.astimezone(zone_of(zone))
            return DateTimeTimeZone(date_time=local.strftime(GRAPH_TIME), time_zone=zone)
        return DateTimeTimeZone(date_time=f"{value.isoformat()}T00:00:00", time_zone=zone)

    return Event(
        subject=event.summary,
        body=ItemBody(content_type=BodyType.Text, content=event.description),
        start=when(event.start),
        end=when(event.end),
        is_all_day=all_day,
        show_as=FreeBusyStatus.Free if event.transparent else FreeBusyStatus.Busy,
        location=Location(display_name=event.location),
    )


def channel_of(saved: dict) -> PushChannel:
    if not saved.get("id"):
        raise ProviderRefused("Graph created no subscription")
    return PushChannel(
        channel_id=saved["id"],
        resource_id=saved.get("resource") or "",
        expires_at=parse_instant(saved["expirationDateTime"]),
    )


def parse_instant(value: str) -> dt.datetime:
    """Graph's DateTimeOffset ("2026-12-04T10:00:00Z", maybe with 7 decimals) -> aware."""
    text = value.replace("Z", "+00:00")
    if "." in text:  # Python reads at most 6 decimals
        head, _, tail = text.partition(".")
        digits = "".join(c for c in tail if c.isdigit())
        text = f"{head}.{digits[:6]}{tail[len(digits) :]}"
    parsed = dt.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


async def send(client: GraphServiceClient, info: RequestInformation) -> dict:
    """Send a request the SDK's builder made, through its pipeline (auth, error mapping to
    ODataError), and read the answer as plain JSON: the SDK's model parsing costs ~20 ms an
    event (and ~8 s of imports the first time), far too slow for 10,000-event imports."""
    raw = await client.request_adapter.send_primitive_async(info, "bytes", ERRORS)
    return json.loads(raw) if raw else {}


def read_state(state: str | None) -> tuple[str | None, dict[str, str]]:
    if not state:
        return None, {}
    try:
        stored = json.loads(state)
    except ValueError:
        return state, {}  # a bare deltaLink
    return stored.get("deltaLink"), stored.get("instances") or {}


def iso_utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def translate(error: APIError) -> Exception:
    """Graph's answer as the adapters' errors (the service decides what follows)."""
    status = error.response_status_code or 0
    code = ""
    if isinstance(error, ODataError) and error.error:
        code = error.error.code or ""
    message = f"Graph answered {status} {code}".strip()
    if status == 410 or code.lower() in EXPIRED_CODES:
        return SyncStateExpired(message)
    if status == 401:
        return GrantBroken(message)
    if status == 429 or status >= 500:
        return RateLimited(message, retry_after=retry_after(error.response_headers))
    return ProviderRefused(message)


def retry_after(headers: Any) -> float | None:
    """Retry-After in seconds (or an HTTP date), from kiota's response headers."""
    if not headers:
        return None
    value = next((v for k, v in dict(headers).items() if k.lower() == "retry-after"), None)
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)
