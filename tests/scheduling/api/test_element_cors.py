"""CORS on the endpoints Cronofy's UI Elements call: the element token's origin, and it alone, is
allowed, on preflights and on the answers (errors included) to the requests that follow."""

import datetime as dt

import pytest

from tests.api_client import JsonClient
from tests.api_helpers import period
from tests.factories import ELEMENT_ORIGIN, make_element_token, make_rule

pytestmark = pytest.mark.django_db

CLIENT = JsonClient()
ELEMENT_PATHS = [
    ("POST", "/v1/availability"),
    ("POST", "/v1/sequenced_availability"),
    ("GET", "/v1/availability_rules"),
    ("POST", "/v1/availability_rules"),
    ("GET", "/v1/availability_rules/r1"),
    ("DELETE", "/v1/availability_rules/r1"),
    ("GET", "/v1/events"),
    ("GET", "/v1/userinfo"),
]


def preflight(path: str, et: str | None, method: str = "POST", origin: str = ELEMENT_ORIGIN):
    query = f"?et={et}" if et is not None else ""
    return CLIENT.options(
        f"{path}{query}",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="cronofy-element,content-type",
    )


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


@pytest.fixture
def et(app_creds, account):
    make_rule(account, rule_id="r1")
    return make_element_token(app_creds.application, account)


@pytest.mark.parametrize(("method", "path"), ELEMENT_PATHS)
def test_a_preflight_with_the_tokens_origin_is_allowed(et, method, path):
    response = preflight(path, et, method)

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == ELEMENT_ORIGIN
    assert response["Access-Control-Allow-Headers"] == "Cronofy-Element, Content-Type"
    assert method in response["Access-Control-Allow-Methods"].split(", ")
    assert int(response["Access-Control-Max-Age"]) > 0
    assert "origin" in vary(response)
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_names_only_the_methods_elements_may_use(et):
    methods = preflight("/v1/events", et, "GET")["Access-Control-Allow-Methods"].split(", ")
    assert methods == ["GET", "OPTIONS"]  # DELETE /v1/events is never an Element's


@pytest.mark.parametrize(
    ("et_of", "origin"),
    [
        ("valid", "http://127.0.0.1:10"),  # another origin
        ("valid", "http://127.0.0.1:9.evil.test"),
        ("valid", "null"),
        ("invalid", ELEMENT_ORIGIN),
        ("none", ELEMENT_ORIGIN),
    ],
)
def test_a_preflight_gets_no_allowance_without_a_token_for_its_origin(et, et_of, origin):
    token = {"valid": et, "invalid": "not-a-token", "none": None}[et_of]
    response = preflight("/v1/availability", token, origin=origin)
    assert response.status_code in (401, 403)
    assert not [name for name in response.headers if name.lower().startswith("access-control")]


def test_an_expired_tokens_preflight_gets_no_allowance(et, clock):
    clock.shift(dt.timedelta(hours=19))
    response = preflight("/v1/availability", et)
    assert response.status_code == 401
    assert "Access-Control-Allow-Origin" not in response


def test_the_answer_to_the_request_allows_the_origin(et, account):
    response = CLIENT.call(
        "GET",
        f"/v1/userinfo?et={et}",
        HTTP_ORIGIN=ELEMENT_ORIGIN,
        HTTP_CRONOFY_ELEMENT="v1, agenda",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ELEMENT_ORIGIN
    assert "origin" in vary(response)
    assert "Access-Control-Allow-Methods" not in response  # preflights only


def test_errors_after_authentication_allow_the_origin_so_elements_can_read_them(app_creds, account):
    et = make_element_token(app_creds.application, account, permissions=["availability"])
    bad = {
        "participants": [],
        "required_duration": {"minutes": 60},
        "query_periods": [period(9, 10)],
    }
    invalid = CLIENT.call("POST", f"/v1/availability?et={et}", bad, HTTP_ORIGIN=ELEMENT_ORIGIN)
    forbidden = CLIENT.call("GET", f"/v1/userinfo?et={et}", HTTP_ORIGIN=ELEMENT_ORIGIN)
    assert (invalid.status_code, forbidden.status_code) == (422, 403)
    assert invalid["Access-Control-Allow-Origin"] == ELEMENT_ORIGIN
    assert forbidden["Access-Control-Allow-Origin"] == ELEMENT_ORIGIN


def test_a_request_from_another_origin_gets_no_allowance(et):
    response = CLIENT.call("GET", f"/v1/userinfo?et={et}", HTTP_ORIGIN="http://127.0.0.1:10")
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response


def test_a_request_without_origin_gets_none_and_varies_on_it(et):
    response = CLIENT.call("GET", f"/v1/userinfo?et={et}")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "origin" in vary(response)


def test_access_tokens_get_no_cors_allowance(api):
    response = api.call("GET", "/v1/userinfo", HTTP_ORIGIN=ELEMENT_ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_endpoints_the_elements_do_not_call_allow_no_origin(et):
    response = CLIENT.options(
        f"/v1/calendars?et={et}",
        HTTP_ORIGIN=ELEMENT_ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "Access-Control-Allow-Origin" not in response
