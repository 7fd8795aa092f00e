"""Real-time scheduling and sequencing through the real pycronofy client against the live server:
what pycronofy sends (start_interval null, buffer {}, oauth always, datetimes as Times) is taken
and stored, and its status and disable calls read what they expect."""

from urllib.parse import urlsplit

import pytest
from django.urls import resolve
from django.utils import timezone
from pycronofy.exceptions import PyCronofyRequestError

from bookings.links import link_token_id
from bookings.models import SchedulingRequest
from bookings.selectors.scheduling_requests import scheduling_request_options
from tests.api_helpers import at
from tests.bookings.api.calls import token_of
from tests.factories import make_application, primary_calendar

pytestmark = pytest.mark.django_db(transaction=True)

OAUTH = {"redirect_uri": "http://127.0.0.1:9/done", "scope": "create_event", "state": "xyz"}
EVENT = {"event_id": "interview-1", "summary": "Interview", "tzid": "Europe/London"}


@pytest.fixture
def client(cronofy, app_creds):
    """pycronofy as an integrator builds it: the API key calls send the client secret."""
    return cronofy(client_id=app_creds.application.client_id, client_secret=app_creds.client_secret)


def targets(*accounts) -> list[dict]:
    return [{"sub": a.sub, "calendar_id": primary_calendar(a).calendar_id} for a in accounts]


def scheduling_availability(people) -> dict:
    calendar_id = primary_calendar(people[0]).calendar_id
    return {
        "participants": [
            {"members": [{"sub": people[0].sub, "calendar_ids": [calendar_id]}, people[1].sub]}
        ],
        "required_duration": 60,
        "available_periods": [{"start": at(9), "end": at(12)}],
    }


def test_real_time_scheduling_stores_what_pycronofy_sends_and_answers_the_link(
    client, people, receiver
):
    result = client.real_time_scheduling(
        scheduling_availability(people),
        OAUTH,
        EVENT,
        target_calendars=targets(people[0]),
        minimum_notice={"hours": 4},
        callback_urls={"completed_url": receiver.url},
        redirect_urls={"completed_url": "https://app.example.test/thanks"},
    )

    link = result["real_time_scheduling"]
    request = SchedulingRequest.objects.get()
    assert link["real_time_scheduling_id"] == request.real_time_scheduling_id
    assert link["real_time_scheduling_id"].startswith("sch_")
    assert (link["status"], link["event"], link["display_message"]) == ("enabled", EVENT, None)
    assert result["url"] == link["url"]
    assert resolve(urlsplit(link["url"]).path).url_name == "booking-link"
    assert link_token_id(token_of(link["url"])) == request.real_time_scheduling_id
    availability = request.spec["availability"]
    assert (availability["start_interval"], availability["buffer"]) == (None, {})
    assert availability["participants"][0]["required"] == "all"
    assert request.spec["oauth"] == OAUTH
    assert request.spec["minimum_notice_minutes"] == 240
    assert request.spec["callback_urls"] == {"completed_url": receiver.url}
    assert request.kind == "scheduling"
    assert request.expires_at == at(12)


def test_a_link_pycronofy_made_offers_times_on_the_default_interval(client, people):
    client.real_time_scheduling(
        scheduling_availability(people), OAUTH, EVENT, target_calendars=targets(people[0])
    )

    request = SchedulingRequest.objects.get()
    options = scheduling_request_options(scheduling_request=request, now=timezone.now())
    # start_interval null is the default 15 minutes; buffer {} is none.
    assert [option[0].start for option in options[:3]] == [at(9), at(9.25), at(9.5)]


def test_the_legacy_callback_url_and_no_oauth_are_taken(client, people, receiver):
    client.real_time_scheduling(
        scheduling_availability(people),
        None,
        EVENT,
        target_calendars=targets(people[0]),
        callback_url=receiver.url,
        event_creation="single",
    )

    request = SchedulingRequest.objects.get()
    assert request.spec["callback_urls"] == {"completed_url": receiver.url}
    assert (request.spec["oauth"], request.spec["event_creation"]) == ({}, "single")


def test_real_time_sequencing_through_pycronofy(client, people):
    def step(sequence_id, ordinal, member):
        return {
            "sequence_id": sequence_id,
            "ordinal": ordinal,
            "participants": [{"members": [member.sub]}],
            "required_duration": 60,
            "event": {"summary": f"Step {sequence_id}"},
        }

    result = client.real_time_sequencing(
        {
            "sequence": [step("screen", 1, people[0]), step("onsite", 2, people[1])],
            "available_periods": [{"start": at(9), "end": at(13)}],
        },
        OAUTH,
        {"event_id": "loop-1", "summary": "Interview loop"},
        target_calendars=targets(*people),
        minimum_notice=30,
    )

    request = SchedulingRequest.objects.get()
    assert result["real_time_scheduling"]["real_time_scheduling_id"] == (
        request.real_time_scheduling_id
    )
    assert result["real_time_scheduling"]["status"] == "enabled"
    assert request.kind == "sequencing"
    steps = request.spec["availability"]["sequence"]
    assert [(s["start_interval"], s["buffer"]) for s in steps] == [(None, {}), (None, {})]
    assert request.spec["minimum_notice_minutes"] == 30
    options = scheduling_request_options(scheduling_request=request, now=timezone.now())
    assert [(s.sequence_id, s.start) for s in options[0]] == [("screen", at(9)), ("onsite", at(10))]


def test_status_by_id_and_by_token_and_disable_through_pycronofy(client, people):
    made = client.real_time_scheduling(
        scheduling_availability(people), OAUTH, EVENT, target_calendars=targets(people[0])
    )["real_time_scheduling"]
    link_id = made["real_time_scheduling_id"]

    by_id = client.get_real_time_scheduling_status(real_time_scheduling_id=link_id)
    by_token = client.get_real_time_scheduling_status(token=token_of(made["url"]))
    assert by_id == by_token
    assert by_id["real_time_scheduling"] == made

    disabled = client.disable_real_time_scheduling_link(link_id, "This interview has been filled")
    assert disabled["real_time_scheduling"]["status"] == "disabled"
    assert disabled["real_time_scheduling"]["display_message"] == "This interview has been filled"
    assert client.get_real_time_scheduling_status(real_time_scheduling_id=link_id) == disabled


def test_another_applications_link_is_not_found_through_pycronofy(client, cronofy, people):
    made = client.real_time_scheduling(
        scheduling_availability(people), OAUTH, EVENT, target_calendars=targets(people[0])
    )["real_time_scheduling"]
    other = make_application("Other")
    stranger = cronofy(client_id=other.application.client_id, client_secret=other.client_secret)

    for call in (
        lambda: stranger.get_real_time_scheduling_status(
            real_time_scheduling_id=made["real_time_scheduling_id"]
        ),
        lambda: stranger.get_real_time_scheduling_status(token=token_of(made["url"])),
        lambda: stranger.disable_real_time_scheduling_link(made["real_time_scheduling_id"], "x"),
    ):
        with pytest.raises(PyCronofyRequestError) as refused:
            call()
        assert refused.value.response.status_code == 404
    assert SchedulingRequest.objects.get().disabled_at is None


def test_pycronofy_without_the_client_secret_is_refused(cronofy, tokens, people):
    """pycronofy sends the client secret as the API key, whatever access token it holds; without
    one its header says `Bearer None`."""
    client = cronofy(access_token=tokens.access_token)

    with pytest.raises(PyCronofyRequestError) as refused:
        client.real_time_scheduling(
            scheduling_availability(people), OAUTH, EVENT, target_calendars=targets(people[0])
        )
    assert refused.value.response.status_code == 401
    assert not SchedulingRequest.objects.exists()
