"""Concurrent creates of one calendar name: exactly one wins, the others get the documented 422."""

from scheduling.models import Calendar
from tests.api_client import JsonClient
from tests.concurrency import needs_concurrent_writers, race

pytestmark = needs_concurrent_writers

RACERS = 6


def test_concurrent_duplicate_calendar_names_give_one_calendar(tokens, account):
    profile_id = account.profiles.get().profile_id

    def create(_n):
        response = JsonClient(tokens.access_token).call(
            "POST", "/v1/calendars", {"profile_id": profile_id, "name": "Race"}
        )
        return response.status_code, response.json()

    results = race(RACERS, create)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [422] * (RACERS - 1)
    keys = {body["errors"]["name"][0]["key"] for status, body in results if status == 422}
    assert keys == {"errors.duplicate_calendar_name"}
    assert Calendar.objects.filter(name="Race").count() == 1
