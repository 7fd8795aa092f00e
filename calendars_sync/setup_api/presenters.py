"""OnSched's view models, as dicts: a resource (ResourceViewModel), a list envelope, and the
calendar authorization (CalendarAuthViewModel, shaped here: docs/onsched.md).

A resource's `googleCalendarAuthUrl` is a fresh authorization link (services/authorization.py)
while its Google address is set and its connection not active; `googleCalendarAuthorized` is
whether that connection is active. The same for Outlook (provider "microsoft"). Links need the
absolute URL of our callback, which the view derives from the request (`CallbackUrls`).
"""

from collections.abc import Callable

from calendars_sync.models import Connection, Provider
from calendars_sync.selectors import resource_connection, setup_of
from calendars_sync.services.authorization import authorization_link
from scheduling.models import Account

# provider -> the absolute redirect URI of our callback for it.
CallbackUrls = Callable[[str], str]
KEPT_FIELDS = ("groupId", "locationId", "address", "contact", "customFields", "serviceIds")


def _calendar(
    resource: Account, provider: str, email: str, return_url: str, callback: CallbackUrls
) -> tuple[str | None, bool]:
    """(auth URL or None, authorized) of the resource's calendar at `provider`."""
    connection = resource_connection(resource, provider=provider, email=email) if email else None
    if connection is None:
        return None, False
    if connection.state == Connection.State.ACTIVE:
        return None, True
    link = authorization_link(
        connection=connection, return_url=return_url, redirect_uri=callback(provider)
    )
    return link, False


def present_resource(resource: Account, *, callback: CallbackUrls) -> dict:
    setup = setup_of(resource)
    extra = setup.extra or {}
    google_url, google_ok = _calendar(
        resource, Provider.GOOGLE, setup.google_calendar_id, setup.google_auth_return_url, callback
    )
    outlook_url, outlook_ok = _calendar(
        resource,
        Provider.MICROSOFT,
        setup.outlook_calendar_id,
        setup.outlook_auth_return_url,
        callback,
    )
    body = {
        "object": "resource",
        "id": resource.sub,
        "name": resource.name,
        "email": resource.email,
        "description": setup.description,
        "timezoneName": resource.default_tzid,
        "timezoneIana": resource.default_tzid,
    }
    body |= {name: extra[name] for name in KEPT_FIELDS if name in extra}
    body["options"] = dict(extra.get("options") or {}) | {
        "calendarAvailability": setup.calendar_availability,
        "googleCalendarId": setup.google_calendar_id,
        "outlookCalendarId": setup.outlook_calendar_id,
    }
    return body | {
        "googleCalendarAuthUrl": google_url,
        "googleCalendarAuthorized": google_ok,
        "outlookCalendarAuthUrl": outlook_url,
        "outlookCalendarAuthorized": outlook_ok,
        "deleted": setup.deleted,
        "createdAt": resource.created_at.isoformat(),
        "updatedAt": max(resource.updated_at, setup.updated_at).isoformat(),
    }


def present_list(
    resources: list[Account], *, total: int, offset: int, url: str, callback: CallbackUrls
) -> dict:
    data = [present_resource(resource, callback=callback) for resource in resources]
    return {
        "object": "list",
        "url": url,
        "hasMore": offset + len(data) < total,
        "count": len(data),
        "total": total,
        "data": data,
    }


def present_calendar_auth(
    resource: Account, *, connection: Connection, provider_name: str, auth_url: str
) -> dict:
    return {
        "object": "calendarAuth",
        "resourceId": resource.sub,
        "provider": provider_name,
        "email": connection.external_account,
        "authUrl": auth_url,
        "authorized": connection.state == Connection.State.ACTIVE,
    }
