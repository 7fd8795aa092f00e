"""Connections: creating and reconnecting them, their encrypted credentials, and their state.

A connection is found again by (account, provider, external account), so that connecting the same
external account twice, or again after its grant broke, reuses the connection, its core profile
and its synced calendars: events stay keyed by their provider ids and nothing is duplicated.

Credentials live in `Connection.secrets_encrypted` as JSON encrypted with the core's keys
(scheduling.credentials: Fernet, rotated with `manage.py secrets_reencrypt`'s keys). They are
never logged and never leave this module except as `providers.base.Credentials` for an adapter.
"""

import datetime as dt
import json
import logging

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from calendars_sync import oauth
from calendars_sync.models import PROFILE_PROVIDER_NAMES, Connection, Provider
from calendars_sync.providers.base import Credentials, GrantBroken
from scheduling import credentials as crypto
from scheduling.ids import new_public_id
from scheduling.models import Account, Profile

logger = logging.getLogger(__name__)

# Refresh an access token this long before it expires, so a pull never starts with one that
# dies halfway through its pages.
REFRESH_MARGIN = dt.timedelta(minutes=5)
OAUTH_PROVIDERS = {Provider.GOOGLE, Provider.MICROSOFT}


def connection_secrets(connection: Connection) -> dict:
    """The decrypted credentials (an empty dict for a connection that has none yet)."""
    if not connection.secrets_encrypted:
        return {}
    return json.loads(crypto.decrypt(connection.secrets_encrypted))


def connection_secrets_set(connection: Connection, secrets: dict) -> None:
    """Encrypt `secrets` into the connection (the caller saves it)."""
    connection.secrets_encrypted = crypto.encrypt(json.dumps(secrets, sort_keys=True))


def _profile_ensure(connection: Connection, now: dt.datetime) -> None:
    if connection.profile_id is not None:
        return
    connection.profile = Profile.objects.create(
        profile_id=new_public_id("pro", 10),
        account=connection.account,
        provider_name=PROFILE_PROVIDER_NAMES[Provider(connection.provider)],
        profile_name=connection.external_account[:200],
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def connection_ensure(
    *,
    account: Account,
    provider: str,
    external_account: str,
    now: dt.datetime | None = None,
) -> Connection:
    """The account's connection to this external account, created (pending) when there is none.
    Locked for the rest of the caller's transaction."""
    now = now or timezone.now()
    external_account = external_account.strip()
    if provider in OAUTH_PROVIDERS:
        external_account = external_account.lower()
    connection, _ = Connection.objects.select_for_update().get_or_create(
        account=account,
        provider=provider,
        external_account=external_account,
        defaults={
            "connection_id": new_public_id("con"),
            "created_at": now,
            "updated_at": now,
        },
    )
    return connection


@transaction.atomic
def connection_activate(
    *,
    connection: Connection,
    secrets: dict,
    now: dt.datetime | None = None,
) -> Connection:
    """Store fresh credentials, mark the connection active (clearing a broken state and its
    errors), make sure its core profile exists, and queue its sync after commit. The one way a
    connection becomes usable: OAuth callbacks, allauth logins, CalDAV/ICS forms all end here."""
    now = now or timezone.now()
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    previous = connection_secrets(connection)
    if not secrets.get("refresh_token") and previous.get("refresh_token"):
        secrets = secrets | {"refresh_token": previous["refresh_token"]}
    connection_secrets_set(connection, secrets)
    _profile_ensure(connection, now)
    connection.state = Connection.State.ACTIVE
    connection.last_error = ""
    connection.failures = 0
    connection.retry_after = None
    connection.next_poll_at = now
    connection.updated_at = now
    connection.save()
    Profile.objects.filter(pk=connection.profile_id).update(connected=True, updated_at=now)
    pk = connection.pk
    transaction.on_commit(lambda: async_task("calendars_sync.tasks.connection_sync", pk))
    return connection


def oauth_secrets(tokens: oauth.TokenSet) -> dict:
    """The stored form of an OAuth token set."""
    return {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires_at": tokens.expires_at.isoformat(),
    }


@transaction.atomic
def connection_mark_broken(
    *, connection: Connection, reason: str, now: dt.datetime | None = None
) -> None:
    """The provider refuses the credentials: stop syncing until the account reconnects. The
    admin lists broken connections (state filter) with the reason; the profile reads
    disconnected in /v1/profiles."""
    now = now or timezone.now()
    Connection.objects.filter(pk=connection.pk).update(
        state=Connection.State.BROKEN, last_error=reason[:2000], updated_at=now
    )
    if connection.profile_id is not None:
        Profile.objects.filter(pk=connection.profile_id).update(connected=False, updated_at=now)
    connection.state = Connection.State.BROKEN
    connection.last_error = reason[:2000]
    logger.warning("sync connection %s is broken: %s", connection.connection_id, reason)


@transaction.atomic
def connection_mark_disconnected(*, connection: Connection, now: dt.datetime | None = None) -> None:
    """The account no longer uses this connection: it stops syncing (only active connections
    sync), its credentials are wiped and its profile reads disconnected in /v1/profiles. Its
    calendars and their events are kept (no longer busy time), so that connecting the same
    external account again finds them by their provider ids instead of duplicating them. Push
    channels are the caller's to stop (they expire on their own; the sync ignores them)."""
    now = now or timezone.now()
    Connection.objects.filter(pk=connection.pk).update(
        state=Connection.State.DISCONNECTED,
        secrets_encrypted="",
        retry_after=None,
        next_poll_at=None,
        updated_at=now,
    )
    if connection.profile_id is not None:
        Profile.objects.filter(pk=connection.profile_id).update(connected=False, updated_at=now)
    connection.state = Connection.State.DISCONNECTED


def connection_credentials(
    connection: Connection, *, now: dt.datetime | None = None
) -> Credentials:
    """What the adapter needs, an OAuth access token refreshed first when it expires within
    REFRESH_MARGIN (the new one stored). Raises GrantBroken when the provider refuses the
    refresh or there is no grant; the caller marks the connection broken."""
    now = now or timezone.now()
    secrets = connection_secrets(connection)
    if connection.provider not in OAUTH_PROVIDERS:
        return Credentials(
            url=secrets.get("url", ""),
            username=secrets.get("username", ""),
            password=secrets.get("password", ""),
        )
    if not secrets.get("access_token"):
        raise GrantBroken("not authorized yet")
    expires_at = dt.datetime.fromisoformat(secrets["expires_at"])
    if expires_at - REFRESH_MARGIN > now:
        return Credentials(access_token=secrets["access_token"])
    if not secrets.get("refresh_token"):
        raise GrantBroken("the access token expired and there is no refresh token")
    tokens = oauth.token_refresh(
        provider=connection.provider, refresh_token=secrets["refresh_token"], now=now
    )
    fresh = oauth_secrets(tokens)
    if not fresh["refresh_token"]:
        fresh["refresh_token"] = secrets["refresh_token"]
    connection_secrets_set(connection, fresh)
    Connection.objects.filter(pk=connection.pk).update(
        secrets_encrypted=connection.secrets_encrypted, updated_at=now
    )
    return Credentials(access_token=tokens.access_token)
