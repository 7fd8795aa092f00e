"""Authorization links: how a resource (a room, a person without a sign-in here) connects its
Google or Outlook calendar, following a link the integrator hands it (OnSched's
`googleCalendarAuthUrl`).

The link is the provider's consent screen (`oauth.authorize_url`) whose `state` is signed by us
(django.core.signing, a salt of its own) over the pending connection, the URL to return to, the
exact redirect URI the link names, a nonce and the time it was made. The callback trusts nothing
else: a state that does not verify is forged, one older than SYNC_AUTH_LINK_MAX_AGE_SECONDS has
expired, and either way nothing changes. The return URL is an integrator's, given through the
authenticated API (validated there as an absolute http(s) URL) and carried inside the signature,
which is what keeps the callback from being an open redirector.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils import timezone

from calendars_sync import oauth
from calendars_sync.models import Connection
from calendars_sync.services.connections import connection_activate, oauth_secrets
from scheduling.errors import DomainError

SALT = "calendars_sync.authorization_link"
# Longer states are not ours (ours are a few hundred characters): refused before verifying.
MAX_STATE_LENGTH = 4096
# A link dated this far in the future (clock skew between web processes) still verifies.
CLOCK_SKEW = 60


class LinkInvalid(DomainError):
    """The state is not one we signed, or its connection can no longer be authorized."""


class LinkExpired(LinkInvalid):
    """The state is ours but older than SYNC_AUTH_LINK_MAX_AGE_SECONDS."""


@dataclass(frozen=True)
class LinkState:
    connection_id: str
    return_url: str
    redirect_uri: str


def authorization_link(
    *, connection: Connection, return_url: str, redirect_uri: str, now: dt.datetime | None = None
) -> str:
    """The provider's consent screen for `connection` (Google or Microsoft), coming back to
    `redirect_uri` (the absolute URL of our callback) and from there to `return_url` ("" for
    our own page). The external account is the login hint, so the right account is offered."""
    now = now or timezone.now()
    payload = {
        "c": connection.connection_id,
        "r": return_url,
        "u": redirect_uri,
        "n": secrets.token_urlsafe(8),
        "t": int(now.timestamp()),
    }
    state = signing.dumps(payload, salt=SALT, compress=True)
    return oauth.authorize_url(
        provider=connection.provider,
        redirect_uri=redirect_uri,
        state=state,
        login_hint=connection.external_account,
    )


def authorization_state_read(*, state: str, now: dt.datetime | None = None) -> LinkState:
    """The verified content of a callback's `state`: LinkInvalid when it is not ours (forged,
    altered, malformed), LinkExpired when it is too old."""
    now = now or timezone.now()
    if not state or len(state) > MAX_STATE_LENGTH:
        raise LinkInvalid("The authorization link is not valid.")
    try:
        payload = signing.loads(state, salt=SALT)
    except signing.BadSignature as exc:
        raise LinkInvalid("The authorization link is not valid.") from exc
    fields = ("c", "r", "u", "t")
    if not isinstance(payload, dict) or any(key not in payload for key in fields):
        raise LinkInvalid("The authorization link is not valid.")
    age = now.timestamp() - payload["t"]
    if age > settings.SYNC_AUTH_LINK_MAX_AGE_SECONDS or age < -CLOCK_SKEW:
        raise LinkExpired("The authorization link has expired.")
    return LinkState(connection_id=payload["c"], return_url=payload["r"], redirect_uri=payload["u"])


def authorization_complete(
    *, link: LinkState, provider: str, code: str, now: dt.datetime | None = None
) -> Connection:
    """Exchange the provider's `code` (with the redirect URI the link named, as RFC 6749
    requires) and activate the connection, which queues its first sync. A connection that was
    disconnected since the link was made (the resource switched to the other provider or to
    another address) is not revived by an old link: LinkInvalid. The provider's refusal of the
    code propagates (oauth's GrantBroken, ProviderRefused, RateLimited)."""
    now = now or timezone.now()
    connection = Connection.objects.filter(
        connection_id=link.connection_id, provider=provider
    ).first()
    if connection is None or connection.state == Connection.State.DISCONNECTED:
        raise LinkInvalid("This authorization link is no longer in use.")
    tokens = oauth.code_exchange(
        provider=provider, code=code, redirect_uri=link.redirect_uri, now=now
    )
    return connection_activate(connection=connection, secrets=oauth_secrets(tokens), now=now)
