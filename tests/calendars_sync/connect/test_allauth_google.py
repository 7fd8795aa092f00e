"""A signed-in person connects Google through django-allauth, against the fake Google: the
connect button, the consent page, the callback, and a connection for that person with its
tokens encrypted. allauth's endpoints follow our GOOGLE_OAUTH_* settings."""

import re
import urllib.parse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.test import Client

from calendars_sync.models import Connection
from calendars_sync.services.connections import connection_secrets
from tests.factories import make_user
from tests.fakes.google import FakeGoogle

pytestmark = pytest.mark.django_db

EMAIL = "ann@example.com"


@pytest.fixture
def google(fake_google):
    fake_google.add_user(EMAIL, name="Ann Example")
    return fake_google


def signed_in(user=None) -> Client:
    client = Client()
    client.force_login(user or make_user())
    return client


def connect_button(client: Client) -> str:
    """The action of the page's "Connect Google" form."""
    html = client.get("/sync/connect/").content.decode()
    [action] = re.findall(r'<form method="post" action="([^"]*google[^"]*)"', html)
    return action.replace("&amp;", "&")


def consent(google: FakeGoogle, client: Client, *, email: str = EMAIL) -> str:
    """Press "Connect Google", allow on the fake consent page; the callback URL it sends to."""
    to_google = client.post(connect_button(client))
    assert to_google.status_code == 302
    authorize = to_google["Location"]
    assert authorize.startswith(google.authorize_url)
    page = requests.get(authorize, timeout=5)
    assert "wants to access your Google Calendar" in page.text
    fields = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))
    decided = requests.post(
        google.authorize_url,
        data=fields | {"login_hint": email, "decision": "allow"},
        allow_redirects=False,
        timeout=5,
    )
    return decided.headers["Location"]


def callback(client: Client, url: str):
    parts = urllib.parse.urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def test_the_consent_asks_for_calendar_access_offline(google):
    client = signed_in()

    query = urllib.parse.parse_qs(
        urllib.parse.urlsplit(client.post(connect_button(client))["Location"]).query
    )

    assert set(query["scope"][0].split()) == {
        "openid",
        "email",
        "https://www.googleapis.com/auth/calendar",
    }
    assert query["access_type"] == ["offline"]
    assert query["prompt"] == ["consent"]
    assert query["redirect_uri"] == ["http://testserver/accounts/google/login/callback/"]


def test_connecting_google_makes_an_active_connection_with_encrypted_tokens(google):
    user = make_user()
    client = signed_in(user)

    response = callback(client, consent(google, client))

    assert response.status_code == 302
    assert response["Location"] == "/sync/connect/"
    connection = Connection.objects.get()
    assert connection.account == user.scheduling_account
    assert (connection.provider, connection.external_account) == ("google", EMAIL)
    assert connection.state == Connection.State.ACTIVE
    secrets = connection_secrets(connection)
    assert secrets["access_token"] in google.access_tokens
    assert secrets["refresh_token"] in google.refresh_tokens
    assert secrets["access_token"] not in connection.secrets_encrypted
    assert SocialAccount.objects.get().user == user
    assert not SocialToken.objects.exists()  # no plain-text copy in allauth's table


def test_connecting_again_reuses_the_connection_with_the_new_tokens(google):
    client = signed_in()
    callback(client, consent(google, client))
    first = Connection.objects.get()
    old_token = connection_secrets(first)["access_token"]

    response = callback(client, consent(google, client))

    assert response.status_code == 302
    again = Connection.objects.get()
    assert again.pk == first.pk
    assert connection_secrets(again)["access_token"] not in ("", old_token)


def test_someone_elses_google_account_refreshes_no_connection(google):
    owner = signed_in()
    callback(owner, consent(google, owner))
    tokens = connection_secrets(Connection.objects.get())

    intruder = signed_in()
    callback(intruder, consent(google, intruder))

    assert Connection.objects.count() == 1
    assert connection_secrets(Connection.objects.get()) == tokens


def test_a_refused_consent_connects_nothing(google):
    client = signed_in()
    to_google = client.post(connect_button(client))
    fields = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(to_google["Location"]).query))
    denied = requests.post(
        google.authorize_url,
        data=fields | {"login_hint": EMAIL, "decision": "deny"},
        allow_redirects=False,
        timeout=5,
    )

    callback(client, denied.headers["Location"])

    assert not Connection.objects.exists()


def test_the_page_offers_no_google_button_without_a_client(settings, person):
    settings.SOCIALACCOUNT_PROVIDERS = {"google": {}, "microsoft": {}}
    client = signed_in(person[0])

    assert "Connect Google" not in client.get("/sync/connect/").content.decode()


def test_signing_up_with_google_connects_the_new_persons_calendar(google):
    visitor = Client()
    to_google = visitor.post("/accounts/google/login/", {"process": "login"})
    fields = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(to_google["Location"]).query))
    allowed = requests.post(
        google.authorize_url,
        data=fields | {"login_hint": EMAIL, "decision": "allow"},
        allow_redirects=False,
        timeout=5,
    )

    callback(visitor, allowed.headers["Location"])

    connection = Connection.objects.get()
    assert connection.external_account == EMAIL
    assert connection.account.user == SocialAccount.objects.get().user


def test_signing_in_with_a_connected_google_account_refreshes_its_tokens(google):
    person = signed_in()
    callback(person, consent(google, person))
    old_token = connection_secrets(Connection.objects.get())["access_token"]
    visitor = Client()
    to_google = visitor.post("/accounts/google/login/", {"process": "login"})
    fields = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(to_google["Location"]).query))
    allowed = requests.post(
        google.authorize_url,
        data=fields | {"login_hint": EMAIL, "decision": "allow"},
        allow_redirects=False,
        timeout=5,
    )

    callback(visitor, allowed.headers["Location"])

    assert Connection.objects.count() == 1
    assert connection_secrets(Connection.objects.get())["access_token"] != old_token


def test_the_pages_policy_lets_the_connect_form_lead_to_googles_consent(google):
    response = signed_in().get("/sync/connect/")

    policy = response["Content-Security-Policy"]
    assert f"form-action 'self' {google.base_url}" in policy
