import datetime as dt

import pytest

from scheduling.models import AvailablePeriod
from tests.api_client import JsonClient
from tests.factories import make_account, make_available_period, make_tokens

pytestmark = pytest.mark.django_db

UTC = dt.UTC
PATH = "/v1/available_periods"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def periods_of(account) -> list[tuple[str, dt.datetime, dt.datetime]]:
    return list(
        AvailablePeriod.objects.filter(account=account)
        .order_by("available_period_id")
        .values_list("available_period_id", "start", "end")
    )


def assert_422(response, field: str, key: str = "errors.invalid") -> None:
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field][0]["key"] == key


# --- upsert --------------------------------------------------------------------------------------


def test_upsert_creates_period_and_answers_202_without_body(api, account):
    body = {"available_period_id": "qTtZdczOccgaPncGJaCiLg", "start": "2024-07-27T09:00:00Z"}
    response = api.call("POST", PATH, {**body, "end": "2024-07-27T17:00:00Z"})
    assert response.status_code == 202
    assert response.content == b""
    assert periods_of(account) == [
        ("qTtZdczOccgaPncGJaCiLg", utc(2024, 7, 27, 9), utc(2024, 7, 27, 17))
    ]


def test_upsert_with_same_id_moves_the_period(api, account):
    make_available_period(account, utc(2024, 7, 27, 9), utc(2024, 7, 27, 17), "p1")
    response = api.call(
        "POST",
        PATH,
        {
            "available_period_id": "p1",
            "start": "2024-07-28T10:00:00Z",
            "end": "2024-07-28T11:00:00Z",
        },
    )
    assert response.status_code == 202
    assert periods_of(account) == [("p1", utc(2024, 7, 28, 10), utc(2024, 7, 28, 11))]


def test_upsert_accepts_object_form_and_offsets(api, account):
    response = api.call(
        "POST",
        PATH,
        {
            "available_period_id": "p1",
            "start": {"time": "2024-07-27T09:00:00+02:00", "tzid": "Europe/Paris"},
            "end": {"time": "2024-07-27T17:00:00Z", "tzid": "Europe/Paris"},
        },
    )
    assert response.status_code == 202
    assert periods_of(account) == [("p1", utc(2024, 7, 27, 7), utc(2024, 7, 27, 17))]


def test_same_period_id_in_two_accounts_is_two_periods(api, app_creds, account):
    other = make_account(app_creds.application)
    make_available_period(other, utc(2024, 1, 1, 9), utc(2024, 1, 1, 10), "shared-id")
    body = {"available_period_id": "shared-id", "start": "2024-07-27T09:00:00Z"}
    api.call("POST", PATH, {**body, "end": "2024-07-27T10:00:00Z"})
    assert periods_of(other) == [("shared-id", utc(2024, 1, 1, 9), utc(2024, 1, 1, 10))]
    assert len(periods_of(account)) == 1


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"available_period_id": None}, "available_period_id", "errors.required"),
        ({"available_period_id": ""}, "available_period_id", "errors.required"),
        ({"available_period_id": "x" * 65}, "available_period_id", "errors.too_long"),
        ({"available_period_id": "caf\u00e9"}, "available_period_id", "errors.invalid"),
        ({"available_period_id": "tab\there"}, "available_period_id", "errors.invalid"),
        ({"start": "2024-07-27"}, "start", "errors.invalid"),
        ({"start": "2024-07-27T09:00:00"}, "start", "errors.invalid"),
        ({"end": "2024-07-27T09:00:00Z"}, "end", "errors.invalid"),
        ({"end": "2024-07-27T08:00:00Z"}, "end", "errors.invalid"),
        ({"end": {"time": "2024-07-27T17:00:00Z", "tzid": "Mars/Base"}}, "end", "errors.invalid"),
    ],
)
def test_upsert_rejects_bad_input_and_changes_nothing(api, account, change, field, key):
    make_available_period(account, utc(2024, 7, 1, 9), utc(2024, 7, 1, 10), "p1")
    before = periods_of(account)
    body = {"available_period_id": "p1", "start": "2024-07-27T09:00:00Z"}
    body.update({"end": "2024-07-27T17:00:00Z"}, **change)
    body = {name: value for name, value in body.items() if value is not None}
    assert_422(api.call("POST", PATH, body), field, key)
    assert periods_of(account) == before


def test_upsert_accepts_64_printable_ascii_characters(api, account):
    period_id = "~ !" + "x" * 61
    body = {"available_period_id": period_id, "start": "2024-07-27T09:00:00Z"}
    assert api.call("POST", PATH, {**body, "end": "2024-07-27T10:00:00Z"}).status_code == 202
    assert periods_of(account)[0][0] == period_id


# --- delete --------------------------------------------------------------------------------------


def test_delete_by_id_removes_only_that_period(api, account):
    make_available_period(account, utc(2024, 7, 1, 9), utc(2024, 7, 1, 10), "p1")
    make_available_period(account, utc(2024, 7, 2, 9), utc(2024, 7, 2, 10), "p2")
    response = api.call("DELETE", PATH, {"available_period_id": "p1"})
    assert response.status_code == 202
    assert [row[0] for row in periods_of(account)] == ["p2"]


def test_delete_of_unknown_id_is_202_and_touches_nothing(api, app_creds, account):
    other = make_account(app_creds.application)
    make_available_period(other, utc(2024, 7, 1, 9), utc(2024, 7, 1, 10), "p1")
    assert api.call("DELETE", PATH, {"available_period_id": "p1"}).status_code == 202
    assert len(periods_of(other)) == 1


def test_delete_all_removes_every_period_of_the_caller_only(api, app_creds, account):
    other = make_account(app_creds.application)
    make_available_period(other, utc(2024, 7, 1, 9), utc(2024, 7, 1, 10), "keep")
    make_available_period(account, utc(2024, 7, 1, 9), utc(2024, 7, 1, 10), "p1")
    make_available_period(account, utc(2024, 7, 2, 9), utc(2024, 7, 2, 10), "p2")
    assert api.call("DELETE", PATH, {"delete_all": True}).status_code == 202
    assert periods_of(account) == []
    assert len(periods_of(other)) == 1


@pytest.mark.parametrize("flag", ["True", "true", "1"])
def test_delete_all_in_query_string_works(api, account, flag):
    make_available_period(account, utc(2024, 7, 1, 9), utc(2024, 7, 1, 10), "p1")
    assert api.call("DELETE", f"{PATH}?delete_all={flag}", {}).status_code == 202
    assert periods_of(account) == []


@pytest.mark.parametrize("flag", ["True", "true", 1])
def test_delete_all_in_a_json_body_must_be_a_json_boolean(api, account, flag):
    make_available_period(account, utc(2024, 7, 1, 9), utc(2024, 7, 1, 10), "p1")
    response = api.call("DELETE", PATH, {"delete_all": flag})
    assert response.status_code == 422
    assert response.json()["errors"]["delete_all"][0]["key"] == "errors.invalid"
    assert len(periods_of(account)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "base"),
        ({"delete_all": False}, "base"),
        ({"delete_all": True, "available_period_id": "p1"}, "base"),
        ({"delete_all": "maybe"}, "delete_all"),
        ({"available_period_id": "x" * 65}, "available_period_id"),
    ],
)
def test_delete_rejects_bad_input_and_changes_nothing(api, account, body, field):
    make_available_period(account, utc(2024, 7, 1, 9), utc(2024, 7, 1, 10), "p1")
    response = api.call("DELETE", PATH, body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert len(periods_of(account)) == 1


# --- scopes and authentication -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "body", "scope"),
    [
        ("GET", None, "read_account"),
        ("POST", {"available_period_id": "p", "start": "2024-07-27T09:00:00Z"}, "create_event"),
        ("DELETE", {"delete_all": True}, "delete_event"),
    ],
)
def test_each_method_needs_its_scope(app_creds, account, method, body, scope):
    if body and "start" in body:
        body["end"] = "2024-07-27T10:00:00Z"
    make_available_period(account, utc(2024, 7, 1, 9), utc(2024, 7, 1, 10), "p1")
    before = periods_of(account)
    others = "read_account create_event delete_event read_events".replace(scope, "")
    lacking = JsonClient(make_tokens(app_creds.application, account, scope=others).access_token)
    response = lacking.call(method, PATH, body)
    assert response.status_code == 403
    assert response.json()["errors"]["base"][0]["key"] == "errors.insufficient_scope"
    assert periods_of(account) == before
    having = JsonClient(make_tokens(app_creds.application, account, scope=scope).access_token)
    assert having.call(method, PATH, body).status_code in {200, 202}


def test_api_key_cannot_manage_available_periods(anon_api, app_creds, account):
    response = anon_api.call("GET", PATH, token=app_creds.client_secret)
    assert response.status_code == 401
