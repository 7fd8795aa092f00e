import pytest
from pycronofy.exceptions import PyCronofyRequestError

from scheduling.models import AvailabilityRule
from scheduling.services.accounts import account_create
from tests.api_client import JsonClient
from tests.factories import make_account, make_rule, make_tokens, primary_calendar

pytestmark = pytest.mark.django_db

PATH = "/v1/availability_rules"
WORKDAY = {"day": "monday", "start_time": "09:00", "end_time": "17:00"}


def rule_body(**changes) -> dict:
    body = {
        "availability_rule_id": "default",
        "tzid": "Europe/London",
        "calendar_ids": [],
        "weekly_periods": [WORKDAY, {"day": "tuesday", "start_time": "13:00", "end_time": "24:00"}],
    }
    body.update(changes)
    return body


def one_period(**changes) -> dict:
    period = {**WORKDAY, **changes}
    return {"weekly_periods": [{k: v for k, v in period.items() if v is not None}]}


def stored_rules(account) -> list[tuple]:
    return list(
        AvailabilityRule.objects.filter(account=account)
        .order_by("availability_rule_id")
        .values_list("availability_rule_id", "tzid", "calendar_ids", "weekly_periods")
    )


# --- upsert --------------------------------------------------------------------------------------


def test_upsert_creates_rule_and_returns_it_wrapped(api, account):
    calendar_id = primary_calendar(account).calendar_id
    response = api.call("POST", PATH, rule_body(calendar_ids=[calendar_id]))
    assert response.status_code == 200
    expected = rule_body(calendar_ids=[calendar_id])
    assert response.json() == {"availability_rule": expected}
    assert stored_rules(account) == [
        ("default", "Europe/London", [calendar_id], expected["weekly_periods"])
    ]


def test_upsert_with_same_id_replaces_the_rule(api, account):
    make_rule(account, rule_id="default", tzid="Etc/UTC")
    body = rule_body(tzid="America/New_York", weekly_periods=[WORKDAY])
    assert api.call("POST", PATH, body).status_code == 200
    assert stored_rules(account) == [("default", "America/New_York", [], [WORKDAY])]


def test_upsert_without_calendar_ids_stores_empty_list(api, account):
    body = rule_body()
    del body["calendar_ids"]
    response = api.call("POST", PATH, body)
    assert response.json()["availability_rule"]["calendar_ids"] == []


def test_upsert_drops_repeated_calendar_ids(api, account):
    calendar_id = primary_calendar(account).calendar_id
    response = api.call("POST", PATH, rule_body(calendar_ids=[calendar_id, calendar_id]))
    assert response.json()["availability_rule"]["calendar_ids"] == [calendar_id]


def test_upsert_accepts_100_weekly_periods(api, account):
    periods = [
        {"day": "friday", "start_time": f"{h:02d}:00", "end_time": "23:59"} for h in range(20)
    ]
    response = api.call("POST", PATH, rule_body(weekly_periods=periods * 5))
    assert response.status_code == 200
    assert len(stored_rules(account)[0][3]) == 100


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"availability_rule_id": ""}, "availability_rule_id", "errors.required"),
        ({"availability_rule_id": "r" * 65}, "availability_rule_id", "errors.too_long"),
        ({"availability_rule_id": "r\u00e9gle"}, "availability_rule_id", "errors.invalid"),
        ({"tzid": None}, "tzid", "errors.required"),
        ({"tzid": "Europe/Atlantis"}, "tzid", "errors.invalid"),
        ({"calendar_ids": "cal_x"}, "calendar_ids", "errors.invalid"),
        ({"weekly_periods": []}, "weekly_periods", "errors.required"),
        ({"weekly_periods": None}, "weekly_periods", "errors.required"),
        ({"weekly_periods": [WORKDAY] * 101}, "weekly_periods", "errors.too_long"),
        (one_period(day="funday"), "weekly_periods.0.day", None),
        (one_period(day="Monday"), "weekly_periods.0.day", None),
        (one_period(end_time="09:00"), "weekly_periods.0.end_time", None),
        (one_period(end_time="24:01"), "weekly_periods.0.end_time", None),
        (one_period(end_time="5pm"), "weekly_periods.0.end_time", None),
        (one_period(start_time="24:00"), "weekly_periods.0.start_time", None),
        (one_period(start_time="9:00"), "weekly_periods.0.start_time", None),
        (one_period(start_time="09:60"), "weekly_periods.0.start_time", None),
        (one_period(start_time=None), "weekly_periods.0.start_time", "errors.required"),
        ({"weekly_periods": [WORKDAY, {**WORKDAY, "end_time": "08:00"}]},
         "weekly_periods.1.end_time", None),
        ({"weekly_periods": ["monday 9-5"]}, "weekly_periods.0.base", None),
    ],
)  # fmt: skip
def test_upsert_rejects_bad_input_and_changes_nothing(api, account, changes, field, key):
    make_rule(account, rule_id="default")
    before = stored_rules(account)
    body = {name: value for name, value in rule_body(**changes).items() if value is not None}
    response = api.call("POST", PATH, body)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert errors[field][0]["key"] == (key or "errors.invalid")
    assert stored_rules(account) == before


def test_upsert_rejects_calendar_of_another_account_naming_it(api, app_creds, account):
    foreign = primary_calendar(make_account(app_creds.application)).calendar_id
    own = primary_calendar(account).calendar_id
    response = api.call("POST", PATH, rule_body(calendar_ids=[own, foreign]))
    assert response.status_code == 422
    error = response.json()["errors"]["calendar_ids.1"][0]
    assert error["key"] == "errors.not_found"
    assert foreign in error["description"]
    assert stored_rules(account) == []


def test_upsert_rejects_deleted_calendar(api, account):
    calendar = primary_calendar(account)
    calendar.deleted = True
    calendar.save()
    response = api.call("POST", PATH, rule_body(calendar_ids=[calendar.calendar_id]))
    assert response.status_code == 422
    assert "calendar_ids.0" in response.json()["errors"]
    assert stored_rules(account) == []


# --- read and delete -----------------------------------------------------------------------------


def test_list_returns_the_callers_rules_by_id(api, app_creds, account):
    make_rule(make_account(app_creds.application), rule_id="theirs")
    make_rule(account, rule_id="b-rule", tzid="Asia/Tokyo")
    make_rule(account, rule_id="a-rule", weekly_periods=[WORKDAY])
    response = api.call("GET", PATH)
    assert response.status_code == 200
    rules = response.json()["availability_rules"]
    assert [rule["availability_rule_id"] for rule in rules] == ["a-rule", "b-rule"]
    assert rules[0] == {
        "availability_rule_id": "a-rule",
        "tzid": "Etc/UTC",
        "calendar_ids": [],
        "weekly_periods": [WORKDAY],
    }


def test_get_one_returns_it_wrapped(api, account):
    make_rule(account, rule_id="default", tzid="Asia/Tokyo", weekly_periods=[WORKDAY])
    response = api.call("GET", f"{PATH}/default")
    assert response.status_code == 200
    assert response.json()["availability_rule"]["tzid"] == "Asia/Tokyo"


def test_get_and_delete_of_another_accounts_rule_are_404(api, app_creds, account):
    other = make_account(app_creds.application)
    make_rule(other, rule_id="theirs")
    assert api.call("GET", f"{PATH}/theirs").status_code == 404
    response = api.call("DELETE", f"{PATH}/theirs")
    assert response.status_code == 404
    assert response.json()["errors"]["base"][0]["key"] == "errors.not_found"
    assert len(stored_rules(other)) == 1


def test_delete_removes_the_rule(api, account):
    make_rule(account, rule_id="default")
    make_rule(account, rule_id="keep")
    assert api.call("DELETE", f"{PATH}/default").status_code == 202
    assert [rule[0] for rule in stored_rules(account)] == ["keep"]


def test_rule_id_with_a_slash_is_addressable(api, account):
    make_rule(account, rule_id="team/default")
    assert api.call("GET", f"{PATH}/team/default").status_code == 200
    assert api.call("DELETE", f"{PATH}/team/default").status_code == 202
    assert stored_rules(account) == []


@pytest.mark.parametrize(
    ("method", "path", "body", "scope"),
    [
        ("GET", PATH, None, "read_account"),
        ("GET", f"{PATH}/default", None, "read_account"),
        ("POST", PATH, rule_body(weekly_periods=[WORKDAY]), "create_event"),
        ("DELETE", f"{PATH}/default", None, "delete_event"),
    ],
)
def test_each_method_needs_its_scope(app_creds, account, method, path, body, scope):
    make_rule(account, rule_id="default", tzid="Asia/Tokyo")
    before = stored_rules(account)
    others = "read_account create_event delete_event read_events".replace(scope, "")
    lacking = JsonClient(make_tokens(app_creds.application, account, scope=others).access_token)
    response = lacking.call(method, path, body)
    assert response.status_code == 403
    assert stored_rules(account) == before
    having = JsonClient(make_tokens(app_creds.application, account, scope=scope).access_token)
    assert having.call(method, path, body).status_code in {200, 202}


# --- pycronofy -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_pycronofy_manages_availability_rules(cronofy, app_creds):
    account = account_create(
        kind="application_calendar", application=app_creds.application, name="Dr Who"
    )
    client = cronofy(access_token=make_tokens(app_creds.application, account).access_token)
    calendar_id = primary_calendar(account).calendar_id
    created = client.upsert_availability_rule(rule_body(calendar_ids=[calendar_id]))
    assert created == rule_body(calendar_ids=[calendar_id])
    assert client.list_availability_rules() == [created]
    assert client.get_availability_rule("default") == created
    client.delete_availability_rule("default")
    assert client.list_availability_rules() == []
    with pytest.raises(PyCronofyRequestError) as raised:
        client.get_availability_rule("default")
    assert raised.value.response.status_code == 404
