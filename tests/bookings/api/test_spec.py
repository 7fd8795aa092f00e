"""What a link made through the API keeps and how it reads back: the notice, the zone of its
events, the legacy callback URL, ignored event fields, and each step's own event id."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings import specs
from bookings.models import SchedulingRequest
from bookings.selectors.scheduling_requests import scheduling_request_options
from tests.api_helpers import period
from tests.bookings.api.calls import SCHEDULING, SEQUENCING
from tests.bookings.factories import scheduling_body, sequencing_body
from tests.clock import FROZEN_NOW

pytestmark = pytest.mark.django_db


def made(key_api, path: str, body: dict) -> SchedulingRequest:
    response = key_api.call("POST", path, body)
    assert response.status_code == 200, response.content
    return SchedulingRequest.objects.get(
        real_time_scheduling_id=response.json()["real_time_scheduling"]["real_time_scheduling_id"]
    )


def first_start(request: SchedulingRequest):
    return scheduling_request_options(scheduling_request=request, now=timezone.now())[0][0].start


@pytest.mark.parametrize(
    ("top", "query", "hours"),
    [({"hours": 3}, None, 3), ({"hours": 1}, {"hours": 2}, 2), (None, {"hours": 2}, 2)],
)
def test_the_larger_of_the_two_minimum_notices_applies(key_api, people, clock, top, query, hours):
    """The request offers the afternoon of FROZEN_NOW's day, from a minute before noon."""
    clock.move_to(FROZEN_NOW - dt.timedelta(minutes=1))
    today = FROZEN_NOW.replace(hour=0)
    body = scheduling_body(
        people,
        periods=[{"start": f"{today:%Y-%m-%d}T12:00:00Z", "end": f"{today:%Y-%m-%d}T20:00:00Z"}],
    )
    body["minimum_notice"] = top
    body["availability"]["minimum_notice"] = query

    request = made(key_api, SCHEDULING, body)

    assert first_start(request) == FROZEN_NOW.replace(hour=12 + hours)


@pytest.mark.parametrize(
    ("top", "event", "zone"),
    [
        ("America/Chicago", "Europe/London", "America/Chicago"),
        (None, "Europe/London", "Europe/London"),
        (None, None, "Etc/UTC"),
    ],
)
def test_the_events_zone_is_the_requests_else_the_events_else_utc(
    key_api, people, top, event, zone
):
    body = scheduling_body(people, tzid=top)
    body["event"]["tzid"] = event

    assert specs.event_tzid(made(key_api, SCHEDULING, body).spec) == zone


def test_the_legacy_callback_url_stands_in_for_the_completed_url_only(key_api, people):
    legacy, current = "http://127.0.0.1:9/legacy", "http://127.0.0.1:9/current"
    alone = made(key_api, SCHEDULING, scheduling_body(people, callback_url=legacy))
    both = made(
        key_api,
        SCHEDULING,
        scheduling_body(people, callback_url=legacy, callback_urls={"completed_url": current}),
    )

    assert alone.spec["callback_urls"] == {"completed_url": legacy}
    assert both.spec["callback_urls"] == {"completed_url": current}


def test_event_fields_this_server_does_not_know_are_ignored(key_api, people):
    body = scheduling_body(people)
    body["event"].update(reminders=[{"minutes": 10}], color="#ff0000", description=None)

    stored = made(key_api, SCHEDULING, body).spec["event"]

    assert stored == {"event_id": "interview-1", "summary": "Interview", "tzid": "Europe/London"}


def test_each_step_has_an_event_id_of_its_own_unless_it_names_one(key_api, people):
    body = sequencing_body(*people, periods=[period(9, 13)])
    body["availability"]["sequence"][1]["event"]["event_id"] = "onsite-visit"

    spec = made(key_api, SEQUENCING, body).spec

    assert [specs.step_event(spec, s)["event_id"] for s in ("screen", "onsite")] == [
        "loop-1_screen",
        "onsite-visit",
    ]
    assert specs.step_event(spec, "screen")["summary"] == "Step screen"
