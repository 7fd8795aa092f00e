"""The sync end to end with the real Microsoft adapter (msgraph-sdk) against the local fake
Graph: import and delta restart, and subscriptions with their validation handshake whose
notifications keep working after renewal."""

import datetime as dt
import time

import pytest

from calendars_sync.models import SyncedCalendar
from calendars_sync.oauth import TokenSet
from calendars_sync.services.connections import (
    connection_activate,
    connection_ensure,
    oauth_secrets,
)
from calendars_sync.services.sync import connection_sync, push_channels_renew
from scheduling.models import Event
from tests.api_helpers import at
from tests.calendars_sync.conftest import NOW
from tests.factories import make_account

EMAIL = "ann@example.com"
LATER = NOW + dt.timedelta(minutes=5)


@pytest.fixture
def graph(fake_graph):
    fake_graph.calendar_id = fake_graph.add_user(EMAIL)
    return fake_graph


@pytest.fixture
def connection(graph, app_creds):
    granted = graph.grant(EMAIL)
    tokens = TokenSet(
        access_token=granted["access_token"],
        refresh_token=granted["refresh_token"],
        expires_at=NOW + dt.timedelta(seconds=granted["expires_in"]),
    )
    account = make_account(app_creds.application, name="Ann")
    connection = connection_ensure(account=account, provider="microsoft", external_account=EMAIL)
    return connection_activate(connection=connection, secrets=oauth_secrets(tokens), now=NOW)


def put(graph, hour: float, subject: str = "Busy") -> str:
    return graph.put_event(graph.calendar_id, start=at(hour), end=at(hour + 1), subject=subject)


def live() -> set[str]:
    return set(Event.objects.filter(deleted=False).values_list("external_id", flat=True))


@pytest.mark.django_db
def test_import_repeat_and_restart_after_an_expired_delta(graph, connection):
    first_id = put(graph, 9)
    second_id = put(graph, 13)

    assert connection_sync(connection=connection, now=NOW).created == 2
    assert connection_sync(connection=connection, now=LATER).created == 0

    graph.delete_event(first_id)
    graph.expire_delta_tokens()
    report = connection_sync(connection=connection, now=LATER)

    assert (report.error, report.created, report.deleted) == ("", 0, 1)
    assert live() == {second_id}


def wait_for(predicate, seconds: float = 5) -> float:
    started = time.perf_counter()
    while not predicate() and time.perf_counter() - started < seconds:
        time.sleep(0.01)
    return time.perf_counter() - started


@pytest.mark.django_db(transaction=True)
def test_notifications_pull_within_a_second_before_and_after_renewal(
    graph, connection, live_server, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    assert connection_sync(connection=connection).error == ""
    synced = SyncedCalendar.objects.get()
    assert synced.push_channel_id  # created after Graph's validation handshake with our view

    first = put(graph, 9)
    assert graph.notify(graph.calendar_id, event_id=first) == [202]
    delay = wait_for(lambda: first in live())
    print(f"notification to stored event: {delay * 1000:.0f} ms")
    assert delay < 1

    assert push_channels_renew(now=synced.push_expires_at - dt.timedelta(hours=2)) == 1
    second = put(graph, 13)
    assert graph.notify(graph.calendar_id, event_id=second) == [202]
    assert wait_for(lambda: second in live()) < 1
