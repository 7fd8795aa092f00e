"""Concurrent creates of one calendar name: exactly one wins, the others get the documented 422."""

import threading

import pytest
from django.db import connection

from scheduling.models import Calendar
from tests.conftest import JsonClient

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers; the race needs a database with concurrent writers",
    ),
]

RACERS = 6


def test_concurrent_duplicate_calendar_names_give_one_calendar(tokens, account):
    profile_id = account.profiles.get().profile_id
    barrier = threading.Barrier(RACERS)
    results = []

    def create():
        client = JsonClient(tokens.access_token)
        try:
            barrier.wait()
            response = client.call(
                "POST", "/v1/calendars", {"profile_id": profile_id, "name": "Race"}
            )
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [422] * (RACERS - 1)
    keys = {body["errors"]["name"][0]["key"] for status, body in results if status == 422}
    assert keys == {"errors.duplicate_calendar_name"}
    assert Calendar.objects.filter(name="Race").count() == 1
