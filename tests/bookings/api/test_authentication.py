"""Who may make, read and disable scheduling links: the API key as a Bearer token; for making one,
client_id and client_secret in the body too (seed 002). Anything else is a 401 that stores
nothing; an account's access token is not an API key."""

import base64
import json

import pytest

from bookings.links import link_token
from bookings.models import SchedulingRequest
from tests.api_client import JsonClient
from tests.api_helpers import at, z
from tests.bookings.api.calls import SCHEDULING, SEQUENCING, stored
from tests.bookings.factories import make_scheduling_request, scheduling_body
from tests.factories import make_application, primary_calendar

pytestmark = pytest.mark.django_db

PUBLIC_ADDRESS = "93.184.215.14"


def seed_002_body(app_creds, first, second) -> dict:
    """Seed 002's example request as it stands, with this application's credentials, these two
    accounts for Cronofy's, and dates moved to next week."""
    calendar_id = primary_calendar(first).calendar_id
    return {
        "client_id": app_creds.application.client_id,
        "client_secret": app_creds.client_secret,
        "oauth": {
            "redirect_uri": "http://www.example.com/oauth",
            "scope": "create_event",
            "state": "{STATE}",
        },
        "event": {
            "event_id": "qTtZdczOccgaPncGJaCiLg",
            "summary": "Product Manager Interview at Globex",
            "tzid": "Europe/London",
        },
        "availability": {
            "sequence": [
                {
                    "sequence_id": "123",
                    "ordinal": 1,
                    "participants": [
                        {
                            "members": [{"sub": first.sub, "calendar_ids": [calendar_id]}],
                            "required": "all",
                        }
                    ],
                    "event": {"event_id": "qTtZdczOccgaPncGJaCiLg", "summary": "Pre screen"},
                    "required_duration": {"minutes": 60},
                },
                {
                    "sequence_id": "456",
                    "ordinal": 2,
                    "participants": [
                        {
                            "members": [
                                {
                                    "sub": second.sub,
                                    "available_periods": [
                                        {"start": z(at(9)), "end": z(at(12))},
                                        {"start": z(at(34)), "end": z(at(44))},
                                    ],
                                }
                            ],
                            "required": "all",
                        }
                    ],
                    "event": {"event_id": "qTtZdczOccgaPncGJaCiLg", "summary": "Face to facd"},
                    "required_duration": {"minutes": 60},
                },
            ],
            "available_periods": [
                {"start": z(at(9)), "end": z(at(18))},
                {"start": z(at(33)), "end": z(at(42))},
            ],
        },
        "target_calendars": [{"sub": first.sub, "calendar_id": calendar_id}],
        "callback_url": "http://www.example.com/callback",
    }


@pytest.fixture
def example_com(fake_dns):
    fake_dns.add("www.example.com", [PUBLIC_ADDRESS])
    return fake_dns


def test_seed_002s_request_with_credentials_in_the_body_makes_a_sequencing_link(
    app_creds, people, example_com, anon_api
):
    response = anon_api.call("POST", SEQUENCING, seed_002_body(app_creds, *people))

    assert response.status_code == 200, response.content
    request = SchedulingRequest.objects.get()
    assert response.json()["url"] == response.json()["real_time_scheduling"]["url"]
    assert (request.application, request.kind) == (app_creds.application, "sequencing")
    assert request.spec["callback_urls"] == {"completed_url": "http://www.example.com/callback"}
    assert "client_secret" not in request.spec
    assert request.expires_at == at(42)


def test_the_api_key_as_bearer_makes_a_link(key_api, app_creds, people):
    response = key_api.call("POST", SCHEDULING, scheduling_body(people))

    assert response.status_code == 200, response.content
    assert SchedulingRequest.objects.get().application == app_creds.application


def test_http_basic_client_credentials_make_a_link(anon_api, app_creds, people):
    pair = f"{app_creds.application.client_id}:{app_creds.client_secret}"
    basic = "Basic " + base64.b64encode(pair.encode()).decode()

    response = anon_api.call("POST", SCHEDULING, scheduling_body(people), HTTP_AUTHORIZATION=basic)

    assert response.status_code == 200, response.content
    assert stored() == 1


def bad_credentials(case: str, app_creds, tokens) -> tuple[str | None, dict]:
    """(Bearer token, body credentials) of each wrong way to call."""
    client_id = app_creds.application.client_id
    return {
        "none": (None, {}),
        "wrong key": ("not-the-key", {}),
        "access token": (tokens.access_token, {}),
        "literal None": ("None", {}),
        "wrong body secret": (None, {"client_id": client_id, "client_secret": "wrong"}),
        "body id only": (None, {"client_id": client_id}),
    }[case]


@pytest.mark.parametrize(
    "case",
    ["none", "wrong key", "access token", "literal None", "wrong body secret", "body id only"],
)
def test_bad_credentials_are_a_401_and_store_nothing(app_creds, tokens, people, example_com, case):
    bearer, credentials = bad_credentials(case, app_creds, tokens)
    sequencing = seed_002_body(app_creds, *people)
    del sequencing["client_id"], sequencing["client_secret"]

    for path, body in [(SCHEDULING, scheduling_body(people)), (SEQUENCING, sequencing)]:
        response = JsonClient(bearer).call("POST", path, {**body, **credentials})

        assert response.status_code == 401, path
        assert response.json()["errors"]["base"][0]["key"] == "errors.unauthorized"
    assert stored() == 0


def test_a_wrong_bearer_key_is_refused_even_beside_good_body_credentials(app_creds, people):
    body = {
        **scheduling_body(people),
        "client_id": app_creds.application.client_id,
        "client_secret": app_creds.client_secret,
    }

    response = JsonClient("not-the-key").call("POST", SCHEDULING, body)

    assert response.status_code == 401
    assert stored() == 0


@pytest.fixture
def link(app_creds, people):
    return make_scheduling_request(app_creds.application, scheduling_body(people))


def call_with_body(client: JsonClient, method: str, path: str, body: dict, token=None):
    """A call with a JSON body, GET included (pycronofy sends one on every call)."""
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.generic(method, path, json.dumps(body), "application/json", **extra)


def reads_and_disable(link) -> list[tuple[str, str]]:
    link_id = link.real_time_scheduling_id
    return [
        ("GET", f"{SCHEDULING}/{link_id}"),
        ("GET", f"{SCHEDULING}?token={link_token(link_id)}"),
        ("POST", f"{SCHEDULING}/{link_id}/disable"),
    ]


def test_reads_and_disable_take_the_api_key(app_creds, link):
    for method, path in reads_and_disable(link):
        response = call_with_body(JsonClient(), method, path, {}, app_creds.client_secret)
        assert response.status_code == 200, path


def test_reads_and_disable_refuse_an_access_token_and_body_credentials(app_creds, tokens, link):
    body = {"client_id": app_creds.application.client_id, "client_secret": app_creds.client_secret}
    for method, path in reads_and_disable(link):
        by_token = call_with_body(JsonClient(), method, path, {}, tokens.access_token)
        assert by_token.status_code == 401, path
        assert call_with_body(JsonClient(), method, path, body).status_code == 401, path
    link.refresh_from_db()
    assert link.disabled_at is None


def test_another_applications_key_finds_none_of_these_links(link):
    other = make_application("Other")
    for method, path in reads_and_disable(link):
        response = call_with_body(JsonClient(), method, path, {}, other.client_secret)
        assert response.status_code == 404, path
    link.refresh_from_db()
    assert link.disabled_at is None
