"""No input gives a 500 on the real-time scheduling routes either: the core's hostile bodies
(tests/scheduling/api/test_hostile_inputs.py), sent with the API key and with none (the body is
then read for client credentials), get JSON in the /v1 shape, and nothing is stored."""

import json

import pytest

from bookings.links import link_token
from tests.api_client import JsonClient
from tests.bookings.api.calls import SCHEDULING, SEQUENCING, stored
from tests.bookings.factories import make_scheduling_request, scheduling_body
from tests.scheduling.api.test_hostile_inputs import HOSTILE_BODIES, assert_in_shape

pytestmark = pytest.mark.django_db

WRONG_SHAPES = {
    "not an object": "[]",
    "parts of the wrong type": json.dumps(
        {"event": "x", "availability": [], "target_calendars": {}, "oauth": 5, "callback_urls": []}
    ),
    "nested wrong types": json.dumps(
        {
            "event": {"event_id": {}, "summary": [], "location": "x", "start": None},
            "availability": {"participants": [{"members": [{"sub": {}}]}], "sequence": {}},
            "target_calendars": [{"sub": [], "calendar_id": None}],
            "callback_urls": {"completed_url": {}},
            "client_id": 5,
        }
    ),
}
BODIES = {**HOSTILE_BODIES, **WRONG_SHAPES}


@pytest.fixture
def routes(app_creds, people) -> list[tuple[str, str]]:
    link = make_scheduling_request(app_creds.application, scheduling_body(people))
    link_id = link.real_time_scheduling_id
    return [
        ("POST", SCHEDULING),
        ("POST", SEQUENCING),
        ("GET", f"{SCHEDULING}/{link_id}"),
        ("GET", f"{SCHEDULING}?token={link_token(link_id)}"),
        ("POST", f"{SCHEDULING}/{link_id}/disable"),
    ]


@pytest.mark.parametrize("credential", ["API key", "none"])
@pytest.mark.parametrize("kind", BODIES)
def test_a_hostile_body_is_answered_in_the_v1_shape(app_creds, routes, kind, credential):
    before = stored()
    extra = {"HTTP_AUTHORIZATION": f"Bearer {app_creds.client_secret}"}
    for method, path in routes:
        response = JsonClient().generic(
            method,
            path,
            BODIES[kind],
            content_type="application/json",
            **(extra if credential == "API key" else {}),
        )
        assert_in_shape(response, "v1")
        if path in (SCHEDULING, SEQUENCING):  # a disable may ignore what it does not know
            assert response.status_code in {401, 422}, (path, response.content)
    assert stored() == before


def test_an_oversized_body_is_refused_before_anything_else(key_api, routes):
    for method, path in routes:
        if method == "POST":
            response = key_api.call(method, path, HOSTILE_BODIES["oversized"])
            assert response.status_code == 422
            assert response.json()["errors"]["base"][0]["key"] == "errors.too_large"
