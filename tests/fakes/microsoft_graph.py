"""The Graph v1.0 routes of the fake Microsoft (tests/fakes/microsoft.py), as Microsoft documents
them (https://learn.microsoft.com/graph/api/overview): bearer tokens (401
InvalidAuthenticationToken), simulated failures, GET /me and /me/calendars, calendarView delta
(the rounds are in tests/fakes/microsoft_calendar.py), events POST/GET/PATCH/DELETE (deleting an
occurrence cancels it), subscriptions with the validation handshake, change notifications' bodies,
and Graph's error envelope. `graph` gets the fake, the request handler, the caller's e-mail, the
path, the query and the body, and answers (status, JSON-able value or None) or raises GraphError.
"""

import datetime as dt
import json
import re
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import requests

from tests.fakes.microsoft_calendar import (
    DEFAULT_PAGE,
    UTC,
    GraphError,
    delta,
    event_fields,
    parse_instant,
    render_master,
)

if TYPE_CHECKING:
    from tests.fakes.microsoft import FakeGraph

MAX_SUBSCRIPTION_MINUTES = 4230  # Outlook resources (event, message, contact)
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
CALENDAR_ROUTE = re.compile(r"/v1\.0/me/calendars/([^/]+)/calendarView/delta(?:\(\))?")
DEFAULT_VIEW = re.compile(r"/v1\.0/me/calendarView/delta(?:\(\))?")
CALENDAR_EVENTS = re.compile(r"/v1\.0/me/calendars/([^/]+)/events")
EVENT = re.compile(r"/v1\.0/me/(?:calendars/[^/]+/)?events/([^/]+)")
SUBSCRIPTION = re.compile(r"/v1\.0/subscriptions/([^/]+)")


def graph(
    fake: "FakeGraph", handler, email: str, path: str, query: dict, body: bytes
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
    fake: "FakeGraph", method: str, email: str, event_id: str, data: dict
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
    fake: "FakeGraph", method: str, subscription_id: str, data: dict
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


def owned(fake: "FakeGraph", email: str, calendar_id: str) -> dict:
    calendar = fake.calendars.get(calendar_id)
    if not calendar or calendar["owner"] != email:
        raise GraphError(
            404, "ErrorItemNotFound", "The specified object was not found in the store."
        )
    return calendar


def writable(fake: "FakeGraph", email: str, calendar_id: str) -> None:
    with fake.lock:
        if not owned(fake, email, calendar_id)["canEdit"]:
            raise GraphError(
                403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
            )


def calendars_page(fake: "FakeGraph", email: str, query: dict) -> dict:
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


def user_for(fake: "FakeGraph", authorization: str) -> str:
    token = authorization.removeprefix("Bearer ").strip()
    email = fake.access_tokens.get(token) if authorization.startswith("Bearer ") else None
    if not email:
        raise GraphError(
            401,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired."
            if token
            else "Access token is empty.",
        )
    return email


def next_failure(fake: "FakeGraph") -> GraphError | None:
    with fake.lock:
        if not fake.failures:
            return None
        status, retry_after = fake.failures.pop(0)
    headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else {}
    code = ERROR_CODES.get(status, "BadRequest")
    return GraphError(status, code, "Simulated failure by FakeGraph.", headers)


def error_envelope(error: GraphError) -> dict:
    """Graph's error body: {"error": {"code", "message", "innerError": {"date", "request-id"}}}."""
    return {
        "error": {
            "code": error.code,
            "message": error.message,
            "innerError": {
                "date": dt.datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": secrets.token_hex(8),
            },
        }
    }


# --- subscriptions ---
def notification(
    fake: "FakeGraph", subscription: dict, user: dict, event_id: str, change: str
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


def subscribe(fake: "FakeGraph", email: str, data: dict) -> dict:
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


def covers(subscription: dict, calendar: dict) -> bool:
    """Whether a subscription's resource is this calendar's events (the default calendar's also
    as me/events and me/calendar/events)."""
    resource = subscription["resource"].strip("/").lower()
    if subscription["owner"] != calendar["owner"]:
        return False
    wanted = {f"me/calendars/{calendar['id']}/events".lower()}
    if calendar["isDefaultCalendar"]:
        wanted |= {"me/events", "me/calendar/events"}
    return resource in wanted


def as_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
