"""OAuth against the fake Google: consent link, code exchange, refresh, refused grants."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from calendars_sync import oauth
from calendars_sync.models import Provider
from calendars_sync.providers.base import GrantBroken, ProviderRefused
from calendars_sync.services.connections import (
    connection_activate,
    connection_credentials,
    connection_ensure,
    connection_secrets,
    oauth_secrets,
)
from scheduling.models import Account
from tests.factories import make_account, make_application

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
REDIRECT = "http://127.0.0.1:9/sync/oauth/google/callback"
EMAIL = "ada@example.test"


@pytest.fixture
def google(fake_google):
    fake_google.add_user(EMAIL)
    return fake_google


def _consent(link: str, decision: str = "allow") -> dict:
    """What the fake's consent page posts when the user decides: the redirect's query."""
    page = requests.get(link, timeout=5)
    assert page.status_code == 200
    form = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()} | {"decision": decision}
    answer = requests.post(link.split("?")[0], data=form, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_authorize_url_asks_for_offline_calendar_access(google):
    link = oauth.authorize_url(
        provider="google", redirect_uri=REDIRECT, state="s1", login_hint=EMAIL
    )
    query = parse_qs(urlsplit(link).query)
    assert link.startswith(google.authorize_url + "?")
    assert query["access_type"] == ["offline"]
    assert query["prompt"] == ["consent"]
    assert "https://www.googleapis.com/auth/calendar" in query["scope"][0].split()
    assert (query["state"], query["login_hint"]) == (["s1"], [EMAIL])


def test_code_exchange_gives_tokens_with_their_expiry(google):
    link = oauth.authorize_url(
        provider="google", redirect_uri=REDIRECT, state="s1", login_hint=EMAIL
    )
    back = _consent(link)
    assert back["state"] == "s1"
    tokens = oauth.code_exchange(
        provider="google", code=back["code"], redirect_uri=REDIRECT, now=NOW
    )
    assert tokens.access_token in google.access_tokens
    assert tokens.refresh_token
    assert tokens.expires_at == NOW + dt.timedelta(seconds=3600)
    assert tokens.access_token not in repr(tokens)


def test_code_exchange_refuses_a_used_code(google):
    back = _consent(
        oauth.authorize_url(provider="google", redirect_uri=REDIRECT, state="s", login_hint=EMAIL)
    )
    oauth.code_exchange(provider="google", code=back["code"], redirect_uri=REDIRECT, now=NOW)
    with pytest.raises(GrantBroken):
        oauth.code_exchange(provider="google", code=back["code"], redirect_uri=REDIRECT, now=NOW)


def test_a_wrong_client_secret_is_a_refusal_not_a_broken_grant(google, settings):
    settings.GOOGLE_CLIENT_SECRET = "not the secret"
    with pytest.raises(ProviderRefused):
        oauth.token_refresh(provider="google", refresh_token="whatever", now=NOW)


@pytest.fixture
def connection(google, db):
    resource = make_account(make_application().application, kind=Account.Kind.RESOURCE)
    pending = connection_ensure(account=resource, provider=Provider.GOOGLE, external_account=EMAIL)
    granted = google.grant(EMAIL)
    tokens = oauth.TokenSet(
        access_token=granted["access_token"],
        refresh_token=granted["refresh_token"],
        expires_at=NOW + dt.timedelta(minutes=4),  # inside the refresh margin
    )
    return connection_activate(connection=pending, secrets=oauth_secrets(tokens), now=NOW)


def test_connection_credentials_refresh_an_expiring_token_and_store_it(connection, google):
    old = connection_secrets(connection)
    credentials = connection_credentials(connection, now=NOW)
    assert credentials.access_token != old["access_token"]
    assert credentials.access_token in google.access_tokens
    stored = connection_secrets(type(connection).objects.get(pk=connection.pk))
    assert stored["access_token"] == credentials.access_token
    assert stored["refresh_token"] == old["refresh_token"]  # Google keeps the refresh token


def test_connection_credentials_of_a_revoked_grant_raise_grant_broken(connection, google):
    google.revoke(EMAIL)
    with pytest.raises(GrantBroken):
        connection_credentials(connection, now=NOW)
