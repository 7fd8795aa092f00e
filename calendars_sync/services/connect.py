"""Connecting CalDAV servers and ICS feeds, and removing connections: the services behind the
integrator API (/v1/connections), the signed-in person's page (/sync/connect/) and the admin.

Credentials are checked before anything is saved: the server must accept the user name and
password (the adapter lists the calendars), the feed must answer with iCalendar. A refused check
is a ValidationFailed on the field at fault, and no connection, profile or secret is written.
The URL is checked first for its shape and for where it leads: a URL that resolves into a
private network is refused (server-side request forgery; providers/outbound_guard.py), unless it
is in CALLBACK_ALLOWED_NETWORKS.

Connecting the same server and user name (or the same feed) again updates the stored password
of the one connection (connection_ensure finds it again), so nothing is duplicated.
"""

import datetime as dt
from urllib.parse import urlsplit, urlunsplit

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from calendars_sync.access import access_connection
from calendars_sync.models import Connection, Provider
from calendars_sync.providers import adapter_for
from calendars_sync.providers.base import (
    Credentials,
    GrantBroken,
    RateLimited,
    SyncError,
)
from calendars_sync.providers.outbound_guard import url_problem, web_url
from calendars_sync.services.connections import connection_activate, connection_ensure
from calendars_sync.services.sync import connection_disconnect
from scheduling.errors import ValidationFailed
from scheduling.models import Account

URL_MAX = 2000
TEXT_MAX = 500
REFUSED_LOGIN = "The server refused this user name and password."


def _url_checked(field: str, url: str) -> str:
    """The URL as stored (webcal:// read as https://, scheme and host in lower case), or a
    ValidationFailed on `field`."""
    url = web_url(url or "")
    if not url:
        raise ValidationFailed.one(field, "required", "This field is required.")
    if len(url) > URL_MAX:
        raise ValidationFailed.one(field, "too_long", f"At most {URL_MAX} characters.")
    if problem := url_problem(url):
        raise ValidationFailed.one(field, "invalid", problem)
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def _text_checked(field: str, value: str, *, required: bool) -> str:
    if required and not value:
        raise ValidationFailed.one(field, "required", "This field is required.")
    if len(value) > TEXT_MAX:
        raise ValidationFailed.one(field, "too_long", f"At most {TEXT_MAX} characters.")
    return value


def _credentials_check(
    provider: str, credentials: Credentials, *, url_field: str, login_given: bool
) -> None:
    """Ask the server for the calendars with these credentials; its refusal, as a
    ValidationFailed on the field at fault. Runs before any write (and outside a transaction:
    it waits on the network)."""
    adapter = adapter_for(provider, credentials)
    try:
        adapter.calendars()
    except GrantBroken as exc:
        if not login_given:  # a feed behind a login that was not given
            raise ValidationFailed.one(
                url_field, "login_required", "This feed needs a user name and password."
            ) from exc
        raise ValidationFailed.one("password", "refused", REFUSED_LOGIN) from exc
    except RateLimited as exc:
        raise ValidationFailed.one(
            url_field, "unavailable", f"The server did not answer; try again later ({exc})."
        ) from exc
    except SyncError as exc:  # ProviderRefused: not a CalDAV server, not an iCalendar feed, ...
        raise ValidationFailed.one(url_field, "refused", str(exc) or "The server refused.") from exc
    finally:
        if close := getattr(adapter, "close", None):  # CalDAV keeps its HTTP connections open
            close()


def _connect(
    *, account: Account, provider: str, external_account: str, secrets: dict, now: dt.datetime
) -> Connection:
    with transaction.atomic():
        connection = connection_ensure(
            account=account, provider=provider, external_account=external_account, now=now
        )
        return connection_activate(connection=connection, secrets=secrets, now=now)


def caldav_connect(
    *,
    account: Account,
    url: str,
    username: str,
    password: str,
    now: dt.datetime | None = None,
) -> Connection:
    """Connect the account to a CalDAV server (iCloud, Fastmail, Nextcloud, Radicale, ...) with
    a user name and an app password. Field names in errors: server_url, username, password."""
    now = now or timezone.now()
    url = _url_checked("server_url", url)
    username = _text_checked("username", (username or "").strip(), required=True)
    password = _text_checked("password", password or "", required=True)
    credentials = Credentials(url=url, username=username, password=password)
    _credentials_check(Provider.CALDAV, credentials, url_field="server_url", login_given=True)
    return _connect(
        account=account,
        provider=Provider.CALDAV,
        external_account=f"{username} on {url}",
        secrets={"url": url, "username": username, "password": password},
        now=now,
    )


def ics_connect(
    *,
    account: Account,
    url: str,
    username: str = "",
    password: str = "",
    now: dt.datetime | None = None,
) -> Connection:
    """Connect the account to a read-only ICS feed (http(s) or webcal), with a user name and
    password for feeds behind HTTP basic authentication. Field names in errors: url, username,
    password."""
    now = now or timezone.now()
    url = _url_checked("url", url)
    username = _text_checked("username", (username or "").strip(), required=bool(password))
    password = _text_checked("password", password or "", required=bool(username))
    credentials = Credentials(url=url, username=username, password=password)
    _credentials_check(Provider.ICS, credentials, url_field="url", login_given=bool(username))
    return _connect(
        account=account,
        provider=Provider.ICS,
        external_account=url,
        secrets={"url": url, "username": username, "password": password},
        now=now,
    )


def connection_remove(
    *, account: Account, connection_id: str, now: dt.datetime | None = None
) -> None:
    """Disconnect one of the account's connections (NotFound for another account's): the sync
    service stops its push channels and takes its calendars and events away."""
    connection = access_connection(account=account, connection_id=connection_id)
    connection_disconnect(connection=connection, now=now)


def connection_sync_request(*, account: Account, connection_id: str) -> Connection:
    """Queue a sync of one of the account's connections now (after commit)."""
    connection = access_connection(account=account, connection_id=connection_id)
    pk = connection.pk
    transaction.on_commit(lambda: async_task("calendars_sync.tasks.connection_sync", pk))
    return connection
