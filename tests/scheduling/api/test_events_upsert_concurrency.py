"""Concurrent upserts of one event_id: all accepted, one event."""

import threading

import pytest
from django.db import connection

from scheduling.models import Event
from tests.conftest import JsonClient
from tests.factories import primary_calendar

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers; the race needs a database with concurrent writers",
    ),
]

RACERS = 6


def test_concurrent_upserts_of_one_event_id_make_one_event(tokens, account):
    path = f"/v1/calendars/{primary_calendar(account).calendar_id}/events"
    barrier = threading.Barrier(RACERS)
    statuses = []

    def upsert(n):
        client = JsonClient(tokens.access_token)
        body = {
            "event_id": "race",
            "summary": f"Racer {n}",
            "start": "2024-07-01T09:00:00Z",
            "end": "2024-07-01T10:00:00Z",
        }
        try:
            barrier.wait()
            statuses.append(client.call("POST", path, body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=upsert, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [202] * RACERS
    assert Event.objects.filter(event_id="race").count() == 1
