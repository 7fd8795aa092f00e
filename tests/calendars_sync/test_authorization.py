"""Authorization links (signed, expiring state) and their callback, short of a provider: the
full flow against the fake Google server is in tests/calendars_sync/setup_api/test_flow.py."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing

from calendars_sync.models import Connection, Provider
from calendars_sync.services.authorization import (
    SALT,
    LinkExpired,
    LinkInvalid,
    authorization_link,
    authorization_state_read,
)
from calendars_sync.services.connections import connection_ensure
from scheduling.models import Account
from tests.clock import FROZEN_NOW
from tests.factories import make_account, make_application

pytestmark = pytest.mark.django_db

REDIRECT = "http://testserver/sync/oauth/google/callback"
RETURN = "https://example.com/profile?tab=1"


@pytest.fixture
def pending(settings) -> Connection:
    settings.GOOGLE_CLIENT_ID = "google-client"
    settings.GOOGLE_OAUTH_AUTHORIZE_URL = "https://accounts.google.test/auth"
    settings.GOOGLE_OAUTH_TOKEN_URL = "http://127.0.0.1:9/token"  # nothing listens there
    resource = make_account(make_application().application, kind=Account.Kind.RESOURCE)
    return connection_ensure(
        account=resource, provider=Provider.GOOGLE, external_account="R@Gmail.test"
    )


def state_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["state"][0]


def test_the_link_is_the_consent_screen_with_our_signed_state(pending):
    link = authorization_link(connection=pending, return_url=RETURN, redirect_uri=REDIRECT)
    query = parse_qs(urlsplit(link).query)
    assert link.startswith("https://accounts.google.test/auth?")
    assert query["client_id"] == ["google-client"]
    assert query["redirect_uri"] == [REDIRECT]
    assert query["login_hint"] == ["r@gmail.test"]
    read = authorization_state_read(state=query["state"][0])
    assert (read.connection_id, read.return_url, read.redirect_uri) == (
        pending.connection_id,
        RETURN,
        REDIRECT,
    )


def test_two_links_differ(pending):
    first = authorization_link(connection=pending, return_url=RETURN, redirect_uri=REDIRECT)
    second = authorization_link(connection=pending, return_url=RETURN, redirect_uri=REDIRECT)
    assert state_of(first) != state_of(second)


def test_a_link_expires_after_the_configured_age(pending, settings):
    settings.SYNC_AUTH_LINK_MAX_AGE_SECONDS = 3600
    state = state_of(
        authorization_link(
            connection=pending, return_url=RETURN, redirect_uri=REDIRECT, now=FROZEN_NOW
        )
    )
    assert authorization_state_read(state=state, now=FROZEN_NOW + dt.timedelta(seconds=3600))
    with pytest.raises(LinkExpired):
        authorization_state_read(state=state, now=FROZEN_NOW + dt.timedelta(seconds=3601))


def test_an_altered_state_is_refused(pending):
    state = state_of(
        authorization_link(connection=pending, return_url=RETURN, redirect_uri=REDIRECT)
    )
    payload = signing.loads(state, salt=SALT)
    forged = signing.dumps(
        payload | {"r": "https://evil.test/"}, salt="another salt", compress=True
    )
    for bad in (state[:-2] + "xx", forged, "", "x" * 5000):
        with pytest.raises(LinkInvalid):
            authorization_state_read(state=bad)


def callback(client, state: str, **params):
    return client.get("/sync/oauth/google/callback", {"state": state, **params})


def test_the_callback_refuses_an_expired_link_and_changes_nothing(client, pending, clock, settings):
    state = state_of(
        authorization_link(connection=pending, return_url=RETURN, redirect_uri=REDIRECT)
    )
    clock.shift(dt.timedelta(seconds=settings.SYNC_AUTH_LINK_MAX_AGE_SECONDS + 1))
    response = callback(client, state, code="abc")
    assert response.status_code == 400
    assert b"expired" in response.content
    assert b"new link" in response.content
    pending.refresh_from_db()
    assert pending.state == Connection.State.PENDING


def test_the_callback_refuses_a_forged_state(client, pending):
    response = callback(client, "forged", code="abc")
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_a_denied_authorization_returns_with_the_error(client, pending):
    state = state_of(
        authorization_link(connection=pending, return_url=RETURN, redirect_uri=REDIRECT)
    )
    response = callback(client, state, error="access_denied")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://example.com/profile"
    assert parse_qs(target.query) == {"tab": ["1"], "error": ["access_denied"]}
    pending.refresh_from_db()
    assert pending.state == Connection.State.PENDING


def test_a_denied_authorization_without_return_url_is_a_page(client, pending):
    state = state_of(authorization_link(connection=pending, return_url="", redirect_uri=REDIRECT))
    response = callback(client, state, error="access_denied")
    assert response.status_code == 400
    assert b"not granted" in response.content


def test_an_odd_error_code_is_not_passed_on(client, pending):
    state = state_of(
        authorization_link(connection=pending, return_url=RETURN, redirect_uri=REDIRECT)
    )
    response = callback(client, state, error="<script>")
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["provider_error"]


def test_a_code_the_provider_does_not_confirm_is_a_400_page(client, pending):
    state = state_of(
        authorization_link(connection=pending, return_url=RETURN, redirect_uri=REDIRECT)
    )
    response = callback(client, state, code="abc")  # the token endpoint is unreachable
    assert response.status_code == 400
    assert b"did not confirm" in response.content
    pending.refresh_from_db()
    assert pending.state == Connection.State.PENDING


def test_a_disconnected_connections_old_link_no_longer_works(client, pending):
    state = state_of(
        authorization_link(connection=pending, return_url=RETURN, redirect_uri=REDIRECT)
    )
    Connection.objects.filter(pk=pending.pk).update(state=Connection.State.DISCONNECTED)
    response = callback(client, state, code="abc")
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_a_link_for_google_is_not_accepted_at_the_microsoft_callback(client, pending):
    state = state_of(
        authorization_link(connection=pending, return_url=RETURN, redirect_uri=REDIRECT)
    )
    response = client.get("/sync/oauth/microsoft/callback", {"state": state, "code": "abc"})
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.state == Connection.State.PENDING


def test_an_unknown_provider_is_a_404(client):
    assert client.get("/sync/oauth/yahoo/callback", {"state": "x"}).status_code == 404
