"""The sync end to end with the real Google adapter (google-api-python-client) against the local
fake Google: imports, a restart after 410, a revoked grant, 429 with Retry-After, and a push
notification reaching /v1/availability."""

import datetime as dt
import time

import pytest

from calendars_sync.models import Connection, SyncedCalendar
from calendars_sync.oauth import TokenSet
from calendars_sync.services.connections import (
    connection_activate,
    connection_ensure,
    oauth_secrets,
)
from calendars_sync.services.sync import connection_sync
from scheduling.models import Event
from tests.api_client import JsonClient
from tests.api_helpers import at, period, z
from tests.calendars_sync.conftest import NOW
from tests.factories import make_account

EMAIL = "ann@example.com"
LATER = NOW + dt.timedelta(minutes=5)


@pytest.fixture
def google(fake_google):
    fake_google.add_user(EMAIL)
    return fake_google


@pytest.fixture
def person(app_creds):
    return make_account(app_creds.application, name="Ann")


@pytest.fixture
def connection(google, person):
    granted = google.grant(EMAIL)
    tokens = TokenSet(
        access_token=granted["access_token"],
        refresh_token=granted["refresh_token"],
        expires_at=NOW + dt.timedelta(seconds=granted["expires_in"]),
    )
    connection = connection_ensure(account=person, provider="google", external_account=EMAIL)
    return connection_activate(connection=connection, secrets=oauth_secrets(tokens), now=NOW)


def busy(hour: float, summary: str = "Busy", **extra) -> dict:
    return {
        "summary": summary,
        "start": {"dateTime": z(at(hour))},
        "end": {"dateTime": z(at(hour + 1))},
        **extra,
    }


def live() -> dict[str, Event]:
    return {e.external_id: e for e in Event.objects.filter(deleted=False)}


@pytest.mark.django_db
def test_import_repeat_and_restart_after_410(google, connection):
    single = google.put_event(EMAIL, busy(9, "Standup"))
    google.put_event(EMAIL, busy(13, "Weekly", recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"]))

    first = connection_sync(connection=connection, now=NOW)
    assert (first.error, first.created) == ("", 4)
    assert live()[single["id"]].summary == "Standup"
    assert connection_sync(connection=connection, now=LATER).created == 0

    google.delete_event(EMAIL, single["id"])
    google.expire_sync_tokens()
    restarted = connection_sync(connection=connection, now=LATER)

    assert (restarted.error, restarted.created, restarted.deleted) == ("", 0, 1)
    assert len(live()) == 3
    assert Event.objects.count() == 4


@pytest.mark.django_db
def test_a_revoked_grant_breaks_the_connection(google, connection):
    google.revoke(EMAIL)

    report = connection_sync(connection=connection, now=NOW)

    connection.refresh_from_db()
    assert connection.state == Connection.State.BROKEN
    assert report.error.startswith("GrantBroken")


@pytest.mark.django_db
def test_429_backs_off_for_retry_after(google, connection):
    google.fail_next(429, retry_after=120)

    report = connection_sync(connection=connection, now=NOW)

    connection.refresh_from_db()
    assert report.error.startswith("RateLimited")
    assert connection.retry_after == NOW + dt.timedelta(seconds=120)


@pytest.mark.django_db(transaction=True)
def test_a_push_reaches_availability_within_a_second(
    google, connection, person, app_creds, live_server, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    assert connection_sync(connection=connection).error == ""
    assert SyncedCalendar.objects.get().push_channel_id

    started = time.perf_counter()
    google.put_event(EMAIL, busy(9), notify=True)
    while not Event.objects.filter(deleted=False).exists() and time.perf_counter() - started < 5:
        time.sleep(0.01)
    delay = time.perf_counter() - started

    print(f"push to stored event: {delay * 1000:.0f} ms")
    body = {
        "participants": [{"members": [{"sub": person.sub}], "required": "all"}],
        "required_duration": {"minutes": 60},
        "query_periods": [period(9, 17)],
    }
    response = JsonClient(app_creds.client_secret).call("POST", "/v1/availability", body)
    assert [p["start"] for p in response.json()["available_periods"]] == [z(at(10))]
    assert delay < 1
