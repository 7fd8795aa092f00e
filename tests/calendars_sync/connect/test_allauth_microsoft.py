"""A signed-in person connects Microsoft 365 through django-allauth, against the fake Microsoft
identity platform and Graph: allauth's endpoints and its Graph /me follow our MICROSOFT_*
settings."""

import re
import urllib.parse

import pytest
import requests
from django.test import Client

from calendars_sync.models import Connection
from calendars_sync.services.connections import connection_secrets
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EMAIL = "bob@example.com"


@pytest.fixture
def graph(fake_graph):
    fake_graph.add_user(EMAIL, name="Bob Example")
    return fake_graph


def consent(client: Client, *, decision: str = "accept") -> str:
    """Press "Connect Microsoft" and answer the fake consent page; where it sends the person."""
    html = client.get("/sync/connect/").content.decode()
    [action] = re.findall(r'<form method="post" action="([^"]*microsoft[^"]*)"', html)
    authorize = client.post(action.replace("&amp;", "&"))["Location"]
    assert requests.get(authorize, timeout=5).status_code == 200  # the consent page
    fields = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))
    answered = requests.post(
        authorize.split("?")[0],
        data=fields | {"login_hint": EMAIL, "consent": decision},
        allow_redirects=False,
        timeout=5,
    )
    return answered.headers["Location"]


def follow(client: Client, url: str):
    parts = urllib.parse.urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def test_the_consent_asks_for_calendars_offline(graph):
    client = Client()
    client.force_login(make_user())
    html = client.get("/sync/connect/").content.decode()
    [action] = re.findall(r'<form method="post" action="([^"]*microsoft[^"]*)"', html)

    location = client.post(action.replace("&amp;", "&"))["Location"]

    assert location.startswith(graph.authorize_url)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert set(query["scope"][0].split()) == {"offline_access", "User.Read", "Calendars.ReadWrite"}


def test_connecting_microsoft_makes_an_active_connection_with_encrypted_tokens(graph):
    user = make_user()
    client = Client()
    client.force_login(user)

    response = follow(client, consent(client))

    assert response.status_code == 302
    connection = Connection.objects.get()
    assert connection.account == user.scheduling_account
    assert (connection.provider, connection.external_account) == ("microsoft", EMAIL)
    assert connection.state == Connection.State.ACTIVE
    secrets = connection_secrets(connection)
    assert secrets["access_token"] in graph.access_tokens
    assert secrets["refresh_token"] in graph.refresh_tokens
    assert secrets["refresh_token"] not in connection.secrets_encrypted


def test_connecting_microsoft_again_reuses_the_connection(graph):
    client = Client()
    client.force_login(make_user())
    follow(client, consent(client))
    old_token = connection_secrets(Connection.objects.get())["access_token"]

    follow(client, consent(client))

    assert Connection.objects.count() == 1
    new_token = connection_secrets(Connection.objects.get())["access_token"]
    assert new_token != old_token
    assert new_token in graph.access_tokens


def test_a_declined_consent_connects_nothing(graph):
    client = Client()
    client.force_login(make_user())

    follow(client, consent(client, decision="cancel"))

    assert not Connection.objects.exists()
