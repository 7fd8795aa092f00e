"""The /v2 wire format: Basic API-key auth, {"data": ...}, Timekit's errors, slashes, CORS."""

import json

import pytest
from django.test import RequestFactory
from rest_framework import exceptions

from bookings.v2.errors import TIMEKIT_ERRORS
from scheduling.api.error_pages import server_error
from tests.bookings.v2.conftest import V2Client, basic
from tests.factories import make_application

pytestmark = pytest.mark.django_db

ROOM = {"name": "Room 1", "email": "room1@example.com", "timezone": "Europe/Paris"}


def test_the_right_key_is_let_in_with_the_data_envelope(v2):
    response = v2.v2("GET", "/v2/resources")
    assert response.status_code == 200
    assert response.json() == {"data": []}


@pytest.mark.parametrize(
    "authorization",
    [
        basic("wrong-key"),
        basic("", user=""),
        "Basic " + "bm8tY29sb24=",  # "no-colon": no user name part at all
        "Basic !!!",
        "Basic a b",
    ],
)
def test_a_wrong_or_malformed_key_is_a_timekit_401(anon_v2, authorization):
    response = anon_v2.v2("GET", "/v2/resources", HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401
    assert set(response.json()) == {"error"}
    assert response["WWW-Authenticate"] == 'Basic realm="v2"'


def test_a_user_name_is_refused_even_with_the_right_key(anon_v2, app_creds):
    header = basic(app_creds.client_secret, user="someone")
    response = anon_v2.v2("GET", "/v2/resources", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer x"])
def test_no_basic_credentials_is_a_401(anon_v2, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = anon_v2.v2("GET", "/v2/resources", **extra)
    assert response.status_code == 401
    assert response.json() == {"error": "Authentication credentials were not provided."}


def test_failed_keys_are_rate_limited(anon_v2, app_creds, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": (3, 60)}
    for _ in range(3):
        assert (
            anon_v2.v2("GET", "/v2/resources", HTTP_AUTHORIZATION=basic("bad")).status_code == 401
        )
    header = basic(app_creds.client_secret)
    response = anon_v2.v2("GET", "/v2/resources", HTTP_AUTHORIZATION=header)
    assert response.status_code == 429
    assert "error" in response.json()
    assert int(response["Retry-After"]) > 0


def test_invalid_input_is_a_timekit_422_with_field_messages(v2):
    response = v2.v2("POST", "/v2/resources", {"timezone": "Mars/Base"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "The given data failed to pass validation."
    assert set(body["errors"]) == {"name", "timezone"}
    assert all(isinstance(text, str) for texts in body["errors"].values() for text in texts)


@pytest.mark.parametrize("body", ["{not json", "[]"])
def test_malformed_json_or_a_body_that_is_not_an_object_is_a_400(v2, body):
    response = v2.v2("POST", "/v2/resources", body)
    assert response.status_code == 400
    assert set(response.json()) == {"error"}


def test_a_missing_resource_is_a_timekit_404(v2):
    response = v2.v2("GET", "/v2/resources/res_nope")
    assert response.status_code == 404
    assert response.json() == {"error": "Resource not found."}


@pytest.mark.parametrize("path", ["/v2/nowhere", "/v2/resources/a/b"])
def test_an_unknown_v2_path_is_a_timekit_404(anon_v2, path):
    response = anon_v2.v2("POST", path)
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}


def test_a_server_error_on_v2_is_timekit_shaped():
    response = server_error(RequestFactory().get("/v2/resources"))
    assert response.status_code == 500
    assert json.loads(response.content) == {"error": "A server error occurred."}


def test_a_refusal_is_a_timekit_403():
    response = TIMEKIT_ERRORS.render(exceptions.PermissionDenied("No."))
    assert (response.status_code, response.data) == (403, {"error": "No."})


@pytest.mark.parametrize("path", ["/v2/resources", "/v2/resources/"])
def test_a_post_with_or_without_a_trailing_slash_is_served_never_redirected(v2, path):
    response = v2.v2("POST", path, ROOM)
    assert response.status_code == 201
    resource_id = response.json()["data"]["id"]
    for suffix in ("", "/"):
        got = v2.v2("GET", f"/v2/resources/{resource_id}{suffix}")
        assert got.status_code == 200


def test_a_preflight_is_answered_without_credentials(anon_v2):
    response = anon_v2.options(
        "/v2/resources",
        HTTP_ORIGIN="https://shop.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type,timekit-context",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert allowed == {"Authorization", "Content-Type", "Timekit-Context", "Timekit-Timezone"}
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_responses_expose_the_test_mode_header_to_the_widget(v2):
    response = v2.v2("GET", "/v2/resources", HTTP_ORIGIN="https://shop.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == "Timekit-TestMode"


def test_the_origin_allow_list_is_honoured(v2, settings):
    settings.V2_CORS_ALLOWED_ORIGINS = ["https://shop.example"]
    allowed = v2.v2("GET", "/v2/resources", HTTP_ORIGIN="https://shop.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://shop.example"
    assert allowed["Vary"] == "Origin"
    other = v2.v2("GET", "/v2/resources", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


def test_cors_stays_off_other_paths(v2):
    response = v2.get("/v1/account", HTTP_ORIGIN="https://shop.example")
    assert "Access-Control-Allow-Origin" not in response


def test_another_applications_key_works_for_its_own_app():
    other = make_application("Other")
    assert V2Client(other.client_secret).v2("GET", "/v2/resources").status_code == 200
