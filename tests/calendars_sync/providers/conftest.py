"""A real Radicale server for the CalDAV adapter tests: one per test process (it starts in about
half a second), a fresh user with one calendar per test."""

import secrets

import caldav
import pytest

from calendars_sync.providers.base import Credentials
from tests.fakes.ics_server import IcsServer
from tests.fakes.radicale import RadicaleServer


@pytest.fixture(scope="session")
def radicale():
    with RadicaleServer() as server:
        yield server


@pytest.fixture
def caldav_user(radicale):
    """(credentials, calendar): a new user with one calendar, and caldav's handle on it."""
    name = f"user{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(12)
    radicale.add_user(name, password)
    client = caldav.DAVClient(
        url=radicale.url, username=name, password=password, enable_rfc6764=False
    )
    calendar = client.principal().make_calendar(name="Work")
    yield Credentials(url=radicale.url, username=name, password=password), calendar
    client.close()


@pytest.fixture
def ics_server():
    with IcsServer() as server:
        yield server
