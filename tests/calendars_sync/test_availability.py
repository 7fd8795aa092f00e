"""Synced busy time in the core: POST /v1/availability sees it (and stops seeing it when the
connection's calendars don't count as busy), and push notification channels hear of it."""

import pytest

from calendars_sync.models import Connection
from calendars_sync.services.sync import connection_sync
from scheduling.models import Calendar
from scheduling.services.channels import channel_create
from tests.api_client import JsonClient
from tests.api_helpers import at, period
from tests.calendars_sync.conftest import NOW, remote

LATER = NOW.replace(minute=5)


def available(app_creds, account) -> list[dict]:
    body = {
        "participants": [{"members": [{"sub": account.sub}], "required": "all"}],
        "required_duration": {"minutes": 60},
        "query_periods": [period(9, 17)],
    }
    response = JsonClient(app_creds.client_secret).call("POST", "/v1/availability", body)
    assert response.status_code == 200, response.content
    return [{"start": p["start"], "end": p["end"]} for p in response.json()["available_periods"]]


@pytest.mark.django_db
def test_synced_busy_time_blocks_availability(app_creds, world, person, connection):
    assert at(9) == remote("a").start  # the remote event is 9:00-10:00 on the query's day
    world.put("primary", remote("a"))
    world.put("primary", remote("free", 3, transparent=True))

    connection_sync(connection=connection, now=NOW)

    assert available(app_creds, person) == [period(10, 17)]


@pytest.mark.django_db
def test_the_connections_counts_as_busy_reaches_its_calendars(world, connection):
    connection_sync(connection=connection, now=NOW)
    Connection.objects.filter(pk=connection.pk).update(counts_as_busy=False)

    connection_sync(connection=connection, now=LATER)

    assert list(
        Calendar.objects.filter(synced__connection=connection).values_list(
            "counts_as_busy", flat=True
        )
    ) == [False]


@pytest.mark.django_db
def test_synced_busy_time_stops_counting_with_counts_as_busy_off(
    app_creds, world, person, connection
):
    world.put("primary", remote("a"))
    connection_sync(connection=connection, now=NOW)
    Connection.objects.filter(pk=connection.pk).update(counts_as_busy=False)

    connection_sync(connection=connection, now=LATER)

    assert available(app_creds, person) == [period(9, 17)]


@pytest.mark.django_db(transaction=True)
def test_a_synced_change_reaches_a_push_notification_channel(
    app_creds, world, person, connection, receiver
):
    channel_create(application=app_creds.application, account=person, callback_url=receiver.url)
    world.put("primary", remote("a"))

    connection_sync(connection=connection, now=NOW)

    verification, change = receiver.wait_for(2)
    assert verification.json()["notification"] == {"type": "verification"}
    assert change.json()["notification"]["type"] == "change"
    assert change.json()["channel"]["channel_id"].startswith("chn_")
