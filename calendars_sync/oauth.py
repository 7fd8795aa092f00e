"""OAuth 2.0 with Google and Microsoft for calendar access (offline: a refresh token).

The authorization-code flow of RFC 6749 as both providers document it: a link to the provider's
consent screen (`authorize_url`), the code exchanged for tokens at its token endpoint
(`code_exchange`), and access tokens renewed with the refresh token (`token_refresh`). Every URL,
client id and secret comes from the settings (config/settings.py, "Calendar sync"), so tests and
deployments point them elsewhere. Tokens are never logged: errors carry the provider's error code
only.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from django.conf import settings

from calendars_sync.providers.base import GrantBroken, ProviderRefused, RateLimited

TIMEOUT = (5, 20)

# Calendar read/write plus what keeps access offline; Microsoft asks for offline_access by scope,
# Google by access_type=offline (and prompt=consent, so a reconnect gets a new refresh token).
SCOPES = {
    "google": "https://www.googleapis.com/auth/calendar openid email",
    "microsoft": "offline_access openid email User.Read Calendars.ReadWrite",
}


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    expires_at: dt.datetime
    refresh_token: str = field(default="", repr=False)  # empty: keep the one we have
    scope: str = ""


def _client(provider: str) -> tuple[str, str]:
    if provider == "google":
        return settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET
    if provider == "microsoft":
        return settings.MICROSOFT_CLIENT_ID, settings.MICROSOFT_CLIENT_SECRET
    raise ValueError(f"no OAuth for provider {provider!r}")


def _endpoint(provider: str, kind: str) -> str:
    prefix = "GOOGLE" if provider == "google" else "MICROSOFT"
    return getattr(settings, f"{prefix}_OAUTH_{kind}_URL")


def authorize_url(*, provider: str, redirect_uri: str, state: str, login_hint: str = "") -> str:
    """The provider's consent screen for calendar access, coming back to `redirect_uri` with a
    code and our `state`."""
    client_id, _ = _client(provider)
    query = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": SCOPES[provider],
        "state": state,
    }
    if provider == "google":
        query |= {"access_type": "offline", "prompt": "consent", "include_granted_scopes": "true"}
    else:
        query |= {"response_mode": "query", "prompt": "select_account"}
    if login_hint:
        query["login_hint"] = login_hint
    return f"{_endpoint(provider, 'AUTHORIZE')}?{urlencode(query)}"


def _token_request(provider: str, form: dict[str, str], now: dt.datetime) -> TokenSet:
    client_id, client_secret = _client(provider)
    form = form | {"client_id": client_id, "client_secret": client_secret}
    try:
        response = requests.post(
            _endpoint(provider, "TOKEN"),
            data=form,
            headers={"Accept": "application/json"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise RateLimited(f"token endpoint unreachable: {type(exc).__name__}") from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 429 or response.status_code >= 500:
        retry_after = response.headers.get("Retry-After", "")
        raise RateLimited(
            f"token endpoint answered {response.status_code}",
            retry_after=float(retry_after) if retry_after.isdigit() else None,
        )
    if response.status_code != 200 or "access_token" not in body:
        error = str(body.get("error") or response.status_code)
        if error in {"invalid_grant", "unauthorized_client", "interaction_required"}:
            raise GrantBroken(f"the provider refused the grant ({error})")
        raise ProviderRefused(f"the token endpoint refused the request ({error})")
    return TokenSet(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token") or "",
        expires_at=now + dt.timedelta(seconds=int(body.get("expires_in") or 3600)),
        scope=body.get("scope") or "",
    )


def code_exchange(*, provider: str, code: str, redirect_uri: str, now: dt.datetime) -> TokenSet:
    """Tokens for an authorization code (GrantBroken when the code is refused)."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    return _token_request(provider, form, now)


def token_refresh(*, provider: str, refresh_token: str, now: dt.datetime) -> TokenSet:
    """A new access token (GrantBroken when the grant was revoked or expired). Microsoft also
    rotates the refresh token; Google keeps it (empty `refresh_token` in the result)."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if provider == "microsoft":
        form["scope"] = SCOPES[provider]
    return _token_request(provider, form, now)
