"""The OAuth flow as the real pycronofy client drives it against the live server."""

from urllib.parse import parse_qs, urlsplit

import pycronofy
import pytest
from django.test import Client
from pycronofy.exceptions import PyCronofyRequestError

from scheduling.scopes import DEFAULT_SCOPE
from scheduling.services.oauth import authorization_code_create
from tests.factories import REDIRECT_URI, make_application, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def creds(db):
    return make_application("Calendar Helper")


@pytest.fixture
def user(db):
    return make_user("alice")


def app_client(cronofy, creds, **tokens) -> pycronofy.Client:
    return cronofy(
        client_id=creds.application.client_id, client_secret=creds.client_secret, **tokens
    )


def consent(user, link: str) -> str:
    """Sign in, open the consent page at `link`, press Allow; the Location it redirects to."""
    browser = Client()
    browser.force_login(user)
    parts = urlsplit(link)
    page = browser.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    response = browser.post(parts.path, page.context["fields"] | {"decision": "allow"})
    assert response.status_code == 302
    return response["Location"]


def authorized_client(cronofy, creds, user) -> pycronofy.Client:
    client = app_client(cronofy, creds)
    code = authorization_code_create(
        user=user, application=creds.application, redirect_uri=REDIRECT_URI, scope=DEFAULT_SCOPE
    )
    client.get_authorization_from_code(code, redirect_uri=REDIRECT_URI)
    return client


def test_user_auth_link_consent_and_get_authorization_from_code(cronofy, creds, user, live_server):
    client = app_client(cronofy, creds)
    link = client.user_auth_link(REDIRECT_URI, state="xyz")
    assert link.startswith(f"{live_server.url}/oauth/authorize?")

    location = consent(user, link)

    assert location.startswith(REDIRECT_URI + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["xyz"]
    # user_auth_link remembered the redirect_uri; pycronofy sends it with the code.
    tokens = client.get_authorization_from_code(query["code"][0])
    assert tokens["access_token"]
    assert tokens["refresh_token"]
    assert client.account()["account_id"] == user.scheduling_account.sub
    assert set(client.account()["scope"].split()) == set(DEFAULT_SCOPE.split())


def test_get_authorization_from_code_fails_for_a_used_code(cronofy, creds, user):
    client = app_client(cronofy, creds)
    location = consent(user, client.user_auth_link(REDIRECT_URI))
    code = parse_qs(urlsplit(location).query)["code"][0]
    client.get_authorization_from_code(code)

    with pytest.raises(PyCronofyRequestError) as failure:
        app_client(cronofy, creds).get_authorization_from_code(code, redirect_uri=REDIRECT_URI)

    assert failure.value.response.status_code == 400
    assert failure.value.response.json()["error"] == "invalid_grant"


def test_refresh_authorization_rotates_tokens(cronofy, creds, user):
    client = authorized_client(cronofy, creds, user)
    old_access, old_refresh = client.auth.access_token, client.auth.refresh_token

    tokens = client.refresh_authorization()

    assert tokens["access_token"] != old_access
    assert tokens["refresh_token"] != old_refresh
    assert client.account()["account_id"] == user.scheduling_account.sub
    stale = app_client(cronofy, creds, refresh_token=old_refresh)
    with pytest.raises(PyCronofyRequestError) as failure:
        stale.refresh_authorization()
    assert failure.value.response.status_code == 400
    assert failure.value.response.json()["error"] == "invalid_grant"


def test_revoke_authorization_makes_the_token_useless(cronofy, creds, user):
    client = authorized_client(cronofy, creds, user)
    access_token = client.auth.access_token
    assert client.account()

    client.revoke_authorization()

    with pytest.raises(PyCronofyRequestError) as failure:
        cronofy(access_token=access_token).account()
    assert failure.value.response.status_code == 401


def test_token_endpoint_rejects_bad_client_secret_through_pycronofy(cronofy, creds, user):
    client = cronofy(client_id=creds.application.client_id, client_secret="wrong")
    code = authorization_code_create(
        user=user, application=creds.application, redirect_uri=REDIRECT_URI, scope=DEFAULT_SCOPE
    )
    with pytest.raises(PyCronofyRequestError) as failure:
        client.get_authorization_from_code(code, redirect_uri=REDIRECT_URI)
    assert failure.value.response.status_code == 401
    assert failure.value.response.json()["error"] == "invalid_client"
