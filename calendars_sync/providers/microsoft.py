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

The sync state (a deltaLink and the occurrence -> series map for removals) and the conversion
between Graph's JSON and our events are in calendars_sync/providers/microsoft_events.py.

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
import functools
import json
import ssl
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

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
    SyncStateExpired,
)
from calendars_sync.providers.microsoft_events import (
    Collector,
    channel_of,
    iso_utc,
    outgoing,
    parse_instant,
    read_state,
)

T = TypeVar("T")
PAGE_SIZE = 1000
# Graph keeps subscriptions on Outlook events at most 4230 minutes (under 3 days): ask 70 hours.
SUBSCRIPTION_LIFETIME = dt.timedelta(minutes=4200)
EXPIRED_CODES = {"syncstatenotfound", "resyncrequired", "syncstateinvalid"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
# Kiota's error mapping by status: its key "XXX" is kiota's wildcard for every error status
# (beside "4XX", "5XX"): any refusal is parsed as Graph's OData error, then translated.
ERROR_MAPPING = {"XXX": ODataError}


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


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle costs ~50 ms, which a fresh
    httpx client per call (its connections belong to the call's event loop) would pay on every
    pull, a push-triggered one included."""
    return ssl.create_default_context()


class MicrosoftAdapter:
    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    # --- running the SDK ---
    def _run(self, work: Callable[[GraphServiceClient], Awaitable[T]]) -> T:
        """Run `work` with a fresh client (its connections belong to this call's loop)."""

        async def main() -> T:
            base_url = settings.MICROSOFT_GRAPH_URL.rstrip("/")
            http = GraphClientFactory.create_with_default_middleware(
                client=httpx.AsyncClient(
                    timeout=httpx.Timeout(60, connect=10), verify=_tls_context()
                ),
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


async def send(client: GraphServiceClient, info: RequestInformation) -> dict:
    """Send a request the SDK's builder made, through its pipeline (auth, error mapping to
    ODataError), and read the answer as plain JSON: the SDK's model parsing costs ~20 ms an
    event (and ~8 s of imports the first time), far too slow for 10,000-event imports."""
    raw = await client.request_adapter.send_primitive_async(info, "bytes", ERROR_MAPPING)
    return json.loads(raw) if raw else {}


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
