"""The real-time scheduling operations in the OpenAPI schema: their credentials, request bodies
(the core's availability query, events without times, http(s) URLs), the token query parameter,
and the answers, so that a schema-driven client (and the fuzzer) meets what the API does."""

import pytest

from bookings.api.serializers import DISPLAY_MESSAGE_MAX, MAX_TARGET_CALENDARS
from bookings.models import SchedulingRequest
from scheduling.api.input_schema import HTTP_URL

pytestmark = pytest.mark.django_db

CREATE = {
    "/v1/real_time_scheduling": "RealTimeSchedulingRequest",
    "/v1/real_time_sequencing": "RealTimeSequencingRequest",
}


def component(schema: dict, ref_or_name: str) -> dict:
    return schema["components"]["schemas"][ref_or_name.rsplit("/", 1)[-1]]


def body_ref(operation: dict) -> str:
    return operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]


def answer(operation: dict) -> dict:
    return operation["responses"]["200"]["content"]["application/json"]["schema"]


@pytest.mark.parametrize("path", sorted(CREATE))
def test_creating_takes_the_api_key_or_client_credentials(schema, path):
    operation = schema["paths"][path]["post"]
    assert operation["security"] == [{"apiKey": []}, {"clientCredentials": []}]
    assert body_ref(operation).endswith(CREATE[path])
    assert answer(operation)["$ref"].endswith("RealTimeSchedulingEnvelope")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/v1/real_time_scheduling"),
        ("get", "/v1/real_time_scheduling/{real_time_scheduling_id}"),
        ("post", "/v1/real_time_scheduling/{real_time_scheduling_id}/disable"),
    ],
)
def test_reads_and_disable_take_the_api_key_and_may_answer_not_found(schema, method, path):
    operation = schema["paths"][path][method]
    assert operation["security"] == [{"apiKey": []}]
    assert answer(operation)["$ref"].endswith("RealTimeSchedulingEnvelope")
    assert "404" in operation["responses"]


def test_the_status_by_token_documents_its_token(schema):
    [token] = schema["paths"]["/v1/real_time_scheduling"]["get"]["parameters"]
    assert (token["name"], token["in"], token["required"]) == ("token", "query", True)
    assert token["schema"]["maxLength"] == 200


def test_the_availability_is_the_cores_query(schema):
    scheduling = component(schema, "RealTimeSchedulingRequest")["properties"]["availability"]
    assert scheduling["$ref"].endswith("/AvailabilityRequestRequest")
    sequence = component(schema, "RealTimeSequencingRequest")["properties"]["availability"]
    step = component(
        schema, component(schema, sequence["$ref"])["properties"]["sequence"]["items"]["$ref"]
    )
    core_step = component(schema, "StepRequest")
    assert set(step["properties"]) == set(core_step["properties"])
    assert step["properties"]["event"]["$ref"].endswith("/StepEventSpecRequest")


def test_events_carry_no_times_or_attendees(schema):
    for name in ("EventSpecRequest", "StepEventSpecRequest"):
        properties = component(schema, name)["properties"]
        assert not {"start", "end", "attendees"} & properties.keys(), name
    assert component(schema, "EventSpecRequest")["required"] == ["event_id", "summary"]
    assert "required" not in component(schema, "StepEventSpecRequest")


def test_urls_are_described_as_http_urls(schema):
    request = component(schema, "RealTimeSchedulingRequest")["properties"]
    urls = [
        request["callback_url"],
        *component(schema, "CallbackUrlsRequest")["properties"].values(),
        *component(schema, "RedirectUrlsRequest")["properties"].values(),
        component(schema, "OAuthRequest")["properties"]["redirect_uri"],
    ]
    assert len(urls) == 6
    assert all(url["pattern"] == HTTP_URL for url in urls)


def test_limits_are_described(schema):
    request = component(schema, "RealTimeSchedulingRequest")
    assert request["properties"]["target_calendars"]["maxItems"] == MAX_TARGET_CALENDARS
    assert request["properties"]["target_calendars"]["minItems"] == 1
    assert set(request["required"]) == {"event", "availability", "target_calendars"}
    message = component(schema, "DisableRequest")["properties"]["display_message"]
    assert message["maxLength"] == DISPLAY_MESSAGE_MAX


def test_the_answer_names_every_status(schema):
    link = component(schema, "SchedulingRequestOut")
    status = component(schema, link["properties"]["status"]["$ref"])
    assert status["enum"] == list(SchedulingRequest.Status.values)
    assert set(link["required"]) == {
        "real_time_scheduling_id",
        "url",
        "status",
        "event",
        "display_message",
    }
