"""No input gives a 500: nesting, wrong types, text the database refuses, unknown paths.

Every route of the API is tried with hostile bodies; the answer is always JSON in the route's own
error shape (api/errors.py), and nothing is written. Run on PostgreSQL too: SQLite stores NULs.
"""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from scheduling.api.urls import oauth_urlpatterns, v1_urlpatterns
from scheduling.models import AvailabilityRule, Channel, Event
from tests.api_helpers import period
from tests.factories import make_rule, primary_calendar

pytestmark = pytest.mark.django_db

DEEP = '{"summary": ' + "[" * 100_000 + "}"
HOSTILE_BODIES = {
    "deep": DEEP,
    "deep and balanced": '{"a": ' + "[" * 1000 + "]" * 1000 + "}",
    "unbalanced": '{"a": ' + "[" * 100 + "}",
    "many containers": '{"a": [' + ",".join(["{}"] * 20_000) + "]}",
    "nul": '{"summary": "a\\u0000b", "event_id": "\\u0000"}',
    "lone surrogate": '{"summary": "\\ud800", "event_id": "x\\udfff"}',
    "surrogate key": '{"\\ud800": 1}',
    "wrong types": json.dumps({key: {} for key in ("summary", "tzid", "name", "sub", "token")}),
    "oversized": json.dumps({"summary": "x" * settings.API_MAX_BODY_BYTES}),
}
OAUTH_ROUTES = {"oauth-token", "oauth-token-revoke"}
# Routes that take the application's API key only (an access token is a 401 before the body).
API_KEY_ROUTES = {"v1-element-tokens"}


def _routes() -> list[tuple[str, str]]:
    """(method, route name) of every API operation; the consent page is HTML by design."""
    pairs = []
    for pattern in [*oauth_urlpatterns, *v1_urlpatterns]:
        view = getattr(pattern.callback, "view_class", None)
        if view is None:
            continue
        pairs += [(m, pattern.name) for m in ("get", "post", "delete") if hasattr(view, m)]
    return pairs


def _url(name: str, calendar_id: str) -> str:
    pattern = next(p for p in [*oauth_urlpatterns, *v1_urlpatterns] if p.name == name)
    return reverse(name, kwargs={key: calendar_id for key in pattern.pattern.converters})


def assert_in_shape(response, name: str) -> None:
    assert response.status_code < 500
    if not response.content:
        return  # a 202 or 204
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if response.status_code >= 400:
        if name in OAUTH_ROUTES:
            assert body["error"] in {"invalid_request", "invalid_client"}
        else:
            assert all(
                item["key"].startswith("errors.")
                for items in body["errors"].values()
                for item in items
            )


@pytest.mark.parametrize("kind", HOSTILE_BODIES)
@pytest.mark.parametrize(("method", "name"), _routes())
def test_a_hostile_body_on_any_route_is_answered_in_its_shape(api, account, method, name, kind):
    calendar = primary_calendar(account)
    make_rule(account, rule_id=calendar.calendar_id)
    path = _url(name, calendar.calendar_id)
    # generic(): the test client's get() would take the body for query parameters.
    response = api.generic(
        method.upper(),
        path,
        HOSTILE_BODIES[kind],
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert_in_shape(response, name)
    assert not Event.objects.exists()
    assert not Channel.objects.exists()


# Operations whose handler never reads a body: the id in the path is all they take.
BODILESS = {("delete", "v1-channel"), ("delete", "v1-availability_rule")}


@pytest.mark.parametrize(
    ("method", "name"),
    [(m, n) for m, n in _routes() if m != "get" and (m, n) not in BODILESS],
)
def test_a_body_over_the_size_limit_is_refused_by_every_operation_that_reads_one(
    api, app_creds, account, method, name
):
    path = _url(name, primary_calendar(account).calendar_id)
    token = app_creds.client_secret if name in API_KEY_ROUTES else None
    response = api.call(method, path, HOSTILE_BODIES["oversized"], token=token)
    if name in OAUTH_ROUTES:
        assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    else:
        assert response.status_code == 422
        assert response.json()["errors"]["base"][0]["key"] == "errors.too_large"


@pytest.mark.parametrize(
    "name", ["v1-calendar-events", "v1-availability", "v1-application-calendars"]
)
def test_deep_nesting_is_a_422_on_v1(api, account, name):
    response = api.call("POST", _url(name, primary_calendar(account).calendar_id), DEEP)
    assert response.status_code == 422
    (error,) = response.json()["errors"]["base"]
    assert error["key"] in {"errors.too_deep", "errors.too_complex"}


@pytest.mark.parametrize("body", [DEEP, HOSTILE_BODIES["deep and balanced"]])
@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/token/revoke"])
def test_deep_nesting_is_an_rfc_6749_invalid_request_on_oauth(anon_api, path, body):
    response = anon_api.call("POST", path, body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_nesting_at_the_limit_is_parsed(api, account):
    calendar = primary_calendar(account)
    fields = json.dumps({"event_id": "e", "summary": "s", **period(9, 10)})[1:-1]
    body = "{" + fields + ', "extra": ' + "[" * 63 + "]" * 63 + "}"  # 64 levels with the root
    response = api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)
    assert response.status_code == 202


def test_nesting_beyond_the_limit_is_refused(api, account):
    calendar = primary_calendar(account)
    fields = json.dumps({"event_id": "e", "summary": "s", **period(9, 10)})[1:-1]
    body = "{" + fields + ', "extra": ' + "[" * 64 + "]" * 64 + "}"
    response = api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)
    assert response.status_code == 422
    assert response.json()["errors"]["base"][0]["key"] == "errors.too_deep"
    assert not Event.objects.exists()


# --- tzid and other strings that are not strings -----------------------------------------------


NOT_STRINGS = [{}, [], ["Europe/London"], True, 1, 1.5]


@pytest.mark.parametrize("tzid", NOT_STRINGS)
def test_a_tzid_that_is_not_a_string_is_a_422_on_event_upsert(api, account, tzid):
    body = {"event_id": "e", "summary": "s", "tzid": tzid, **period(9, 10)}
    calendar = primary_calendar(account)
    response = api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)
    assert response.status_code == 422
    assert response.json()["errors"]["tzid"][0]["key"] == "errors.invalid"
    assert not Event.objects.exists()


@pytest.mark.parametrize("tzid", NOT_STRINGS)
def test_a_tzid_that_is_not_a_string_is_a_422_in_an_object_time(api, account, tzid):
    start = {"time": "2024-07-01T09:00:00Z", "tzid": tzid}
    body = {"event_id": "e", "summary": "s", "start": start, "end": "2024-07-01T10:00:00Z"}
    calendar = primary_calendar(account)
    response = api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)
    assert response.status_code == 422
    assert response.json()["errors"]["start"][0]["key"] == "errors.invalid"


@pytest.mark.parametrize("tzid", NOT_STRINGS)
def test_a_tzid_that_is_not_a_string_is_a_422_on_availability_rules(api, tzid):
    weekly = [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}]
    body = {"availability_rule_id": "r", "tzid": tzid, "weekly_periods": weekly}
    response = api.call("POST", "/v1/availability_rules", body)
    assert response.status_code == 422
    assert response.json()["errors"]["tzid"][0]["key"] == "errors.invalid"
    assert not AvailabilityRule.objects.exists()


@pytest.mark.parametrize("path", ["/v1/events", "/v1/free_busy", "/v1/available_periods"])
def test_a_repeated_tzid_in_a_read_is_a_422(api, path):
    response = api.call("GET", f"{path}?tzid[]=Etc/UTC&tzid[]=Europe/London")
    assert response.status_code == 422
    assert response.json()["errors"]["tzid"][0]["key"] == "errors.invalid"


# --- text the database cannot store ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/calendars/%00/events"),
        ("DELETE", "/v1/calendars/%00/events"),
        ("GET", "/v1/availability_rules/a%00b"),
        ("DELETE", "/v1/availability_rules/a%00b"),
        ("DELETE", "/v1/channels/%00"),
        ("GET", "/v1/events/pages/%00"),
        ("GET", "/v1/free_busy/pages/a%00"),
        ("GET", "/v1/available_periods/pages/%00"),
    ],
)
def test_a_nul_in_a_path_id_is_a_json_404(api, method, path):
    response = api.call(method, path, None if method == "GET" else {"event_id": "e"})
    assert response.status_code == 404
    assert response.json()["errors"]["base"][0]["key"] == "errors.not_found"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("tzid=Etc/UTC&calendar_ids[]=%00", "calendar_ids"),
        ("tzid=Etc/%00UTC", "tzid"),
        ("tzid=Etc/UTC&from=2024-07-01%00", "from"),
        ("tzid=Etc/UTC&a%00=1", "a\\x00"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/events", "/v1/free_busy", "/v1/available_periods"])
def test_a_nul_in_a_query_parameter_is_a_422_on_that_parameter(api, path, query, field):
    response = api.call("GET", f"{path}?{query}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_a_nul_in_the_query_of_a_delete_is_a_422(api, account):
    response = api.call("DELETE", "/v1/events?calendar_ids[]=%00")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["calendar_ids"]


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\ud800", "x\udfff", "\udc00\ud800"])
def test_unstorable_text_in_a_body_is_a_422_naming_its_path(api, account, text):
    member = {"sub": account.sub, "calendar_ids": ["cal_ok", text]}
    body = {
        "participants": [{"members": [member]}],
        "required_duration": {"minutes": 30},
        "query_periods": [period(9, 17)],
    }
    response = api.call("POST", "/v1/availability", json.dumps(body))
    assert response.status_code == 422
    (error,) = response.json()["errors"]["participants.0.members.0.calendar_ids.1"]
    assert error["key"] == "errors.invalid"


def test_a_valid_surrogate_pair_is_stored(api, account):
    calendar = primary_calendar(account)
    body = json.dumps({"event_id": "e", "summary": "Party \U0001f389", **period(9, 10)})
    assert "\\ud83c\\udf89" in body
    response = api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)
    assert response.status_code == 202
    assert Event.objects.get().summary == "Party \U0001f389"


def test_unstorable_text_in_a_form_body_is_an_rfc_6749_error(anon_api):
    response = anon_api.post(
        "/oauth/token",
        data="grant_type=refresh_token&refresh_token=a%00b&client_id=x&client_secret=y",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "refresh_token" in response.json()["error_description"]


# --- paths no API view answers -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
@pytest.mark.parametrize(
    "path", ["/v1/nope", "/v1/calendars/x", "/v1", "/v1/", "/v1/events/pages/"]
)
def test_an_unknown_v1_path_is_a_json_404_in_the_v1_shape(api, method, path):
    response = api.call(method, path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    if method != "HEAD":
        assert response.json() == {
            "errors": {"base": [{"key": "errors.not_found", "description": "Not found"}]}
        }


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("path", ["/v2", "/v2/", "/v2/nothing", "/v2/a/b/c"])
def test_an_unknown_v2_path_is_a_json_404(api, method, path):
    response = api.call(method, path)
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}


def test_an_unknown_oauth_token_path_is_an_rfc_6749_json_404(anon_api):
    response = anon_api.call("POST", "/oauth/token/nope", {})
    assert response.status_code == 404
    assert response.json()["error"] == "invalid_request"


def test_other_unknown_paths_keep_django_pages(anon_api):
    response = anon_api.get("/nowhere")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_wrong_method_on_a_known_v1_path_is_a_json_405(api):
    response = api.call("PUT", "/v1/calendars", {})
    assert response.status_code == 405
    assert response.json()["errors"]["base"][0]["key"] == "errors.method_not_allowed"


def test_a_server_error_in_the_api_is_json_without_details(api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("scheduling.api.calendars.calendars_for_account", broken)
    api.raise_request_exception = False
    response = api.call("GET", "/v1/calendars")
    assert response.status_code == 500
    assert response.json() == {
        "errors": {
            "base": [{"key": "errors.server_error", "description": "A server error occurred."}]
        }
    }


BIG_TEXT = "x" * 100_000
BIG_LIST = ["Europe/London"] * 10_000


@pytest.mark.parametrize(
    "changes",
    [
        {"tzid": BIG_TEXT},
        {"start": {"time": "2024-07-01T09:00:00Z", "tzid": BIG_TEXT}},
        {"start": {"time": "2024-07-01T09:00:00Z", "tzid": BIG_LIST}},
        {"start": BIG_LIST},
        {"transparency": BIG_TEXT},
        {"status": BIG_LIST},
        {"location": {"lat": "1" * 100_000}},
        {"summary": BIG_LIST},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_an_error_never_repeats_a_large_input(api, account, changes):
    calendar = primary_calendar(account)
    body = {"event_id": "e", "summary": "s", **period(9, 10), **changes}
    response = api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)
    assert response.status_code == 422
    assert len(response.content) < 1000


@pytest.mark.parametrize("side", ["before", "after"])
def test_a_step_buffer_whose_minimum_exceeds_its_maximum_is_a_422(api, account, side):
    gap = {"minutes": 5, "minimum": {"minutes": 30}, "maximum": {"minutes": 10}}
    step = {
        "sequence_id": "only",
        "ordinal": 1,
        "participants": [{"members": [account.sub]}],
        "required_duration": {"minutes": 30},
        "buffer": {side: gap},
    }
    body = {"sequence": [step], "query_periods": [period(9, 17)]}
    response = api.call("POST", "/v1/sequenced_availability", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [f"sequence.0.buffer.{side}"]
