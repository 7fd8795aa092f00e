"""Fixtures of the sync tests: the in-memory provider (tests/calendars_sync/memory_adapter.py)
plugged in as the adapter of every provider, and an active connection to it."""

import copy
import datetime as dt

import pytest

from calendars_sync import providers
from calendars_sync.models import Connection
from calendars_sync.providers.base import RemoteEvent
from calendars_sync.services.connections import connection_activate, connection_ensure
from tests import clock
from tests.calendars_sync import memory_adapter
from tests.factories import make_account
from tests.fakes.google import FakeGoogle
from tests.fakes.microsoft import FakeGraph

NOW = clock.FROZEN_NOW
T0 = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)  # the Monday after NOW
ACCESS_TOKEN = "ya29.access-token-secret"
REFRESH_TOKEN = "1//refresh-token-secret"


@pytest.fixture
def world(monkeypatch):
    """A fresh in-memory provider behind every provider name, with a primary calendar."""
    fresh = memory_adapter.MemoryProvider()
    monkeypatch.setattr(memory_adapter, "WORLD", fresh)
    for name in list(providers._ADAPTERS):
        monkeypatch.setitem(
            providers._ADAPTERS, name, "tests.calendars_sync.memory_adapter.MemoryAdapter"
        )
    fresh.add_calendar("primary", "Work", primary=True)
    return fresh


def activate(account, *, provider="google", external_account="person@example.test", now=NOW):
    connection = connection_ensure(
        account=account, provider=provider, external_account=external_account, now=now
    )
    secrets = {
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "expires_at": (now + dt.timedelta(days=3650)).isoformat(),
    }
    return connection_activate(connection=connection, secrets=secrets, now=now)


@pytest.fixture
def person(app_creds):
    return make_account(app_creds.application, name="Person")


@pytest.fixture
def connection(world, person) -> Connection:
    return activate(person)


def remote(remote_id: str, hours: float = 0, length: float = 1, **fields) -> RemoteEvent:
    start = T0 + dt.timedelta(hours=hours)
    return RemoteEvent(
        remote_id=remote_id,
        start=start,
        end=start + dt.timedelta(hours=length),
        summary=fields.pop("summary", f"remote {remote_id}"),
        **fields,
    )


@pytest.fixture
def fake_google(settings):
    """A running fake Google that every Google setting points at: OAuth (consent, token,
    userinfo), the Calendar API, and allauth's Google app."""
    with FakeGoogle() as fake:
        settings.GOOGLE_CLIENT_ID = fake.client_id
        settings.GOOGLE_CLIENT_SECRET = fake.client_secret
        settings.GOOGLE_OAUTH_AUTHORIZE_URL = fake.authorize_url
        settings.GOOGLE_OAUTH_TOKEN_URL = fake.token_url
        settings.GOOGLE_OAUTH_USERINFO_URL = fake.userinfo_url
        settings.GOOGLE_CALENDAR_API_URL = fake.api_url
        settings.SOCIALACCOUNT_PROVIDERS = _with_app(settings, "google", fake)
        yield fake


@pytest.fixture
def fake_graph(settings):
    """A running fake Microsoft (identity platform and Graph) that every Microsoft setting points
    at, allauth's Microsoft app included."""
    with FakeGraph() as fake:
        settings.MICROSOFT_CLIENT_ID = fake.client_id
        settings.MICROSOFT_CLIENT_SECRET = fake.client_secret
        settings.MICROSOFT_OAUTH_AUTHORIZE_URL = fake.authorize_url
        settings.MICROSOFT_OAUTH_TOKEN_URL = fake.token_url
        settings.MICROSOFT_GRAPH_URL = fake.graph_url
        settings.SOCIALACCOUNT_PROVIDERS = _with_app(settings, "microsoft", fake)
        yield fake


def _with_app(settings, provider: str, fake) -> dict:
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    providers[provider]["APP"] = {"client_id": fake.client_id, "secret": fake.client_secret}
    return providers
