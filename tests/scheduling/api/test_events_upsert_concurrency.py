"""Concurrent upserts of one event_id: all accepted, one event."""

from scheduling.models import Event
from tests.api_client import JsonClient
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import primary_calendar

pytestmark = needs_concurrent_writers

RACERS = 6


def test_concurrent_upserts_of_one_event_id_make_one_event(tokens, account):
    path = f"/v1/calendars/{primary_calendar(account).calendar_id}/events"

    def upsert(n):
        body = {
            "event_id": "race",
            "summary": f"Racer {n}",
            "start": "2024-07-01T09:00:00Z",
            "end": "2024-07-01T10:00:00Z",
        }
        return JsonClient(tokens.access_token).call("POST", path, body).status_code

    assert race(RACERS, upsert) == [202] * RACERS
    assert Event.objects.filter(event_id="race").count() == 1
