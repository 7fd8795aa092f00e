"""Bad availability queries: a 422 naming the field, never a slow request."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.services.calendars import calendar_create
from tests.api_client import JsonClient
from tests.api_helpers import at, z
from tests.factories import (
    make_account,
    make_event,
    make_rule,
    make_tokens,
    make_user_account,
    primary_calendar,
)

pytestmark = pytest.mark.django_db

START = z(at(9))
END = z(at(17))


def valid_body(subs) -> dict:
    return {
        "participants": [{"members": [{"sub": s} for s in subs], "required": "all"}],
        "required_duration": {"minutes": 60},
        "query_periods": [{"start": START, "end": END}],
    }


@pytest.fixture
def post(app_creds):
    client = JsonClient(app_creds.client_secret)
    return lambda body: client.call("POST", "/v1/availability", body)


def first_key(response, field):
    return response.json()["errors"][field][0]["key"]


def test_the_valid_body_is_accepted(post, account):
    # The cases below each break this body in one place.
    assert post(valid_body([account.sub])).status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        (lambda b: b.pop("participants"), "participants", "errors.required"),
        (lambda b: b.update(participants=[]), "participants", "errors.too_short"),
        (lambda b: b.update(required_duration=[]), "required_duration", "errors.invalid"),
        (
            lambda b: b.update(required_duration={"minutes": 0}),
            "required_duration",
            "errors.invalid",
        ),
        (
            lambda b: b.update(required_duration={"minutes": 2000}),
            "required_duration",
            "errors.invalid",
        ),
        (lambda b: b.pop("query_periods"), "query_periods", "errors.required"),
        (
            lambda b: b.update(query_periods=[{"start": END, "end": START}]),
            "query_periods.0.end",
            "errors.invalid",
        ),
        (
            lambda b: b.update(query_periods=[{"start": START.removesuffix("Z"), "end": END}]),
            "query_periods.0.start",
            "errors.invalid",
        ),
        (
            lambda b: b.update(
                query_periods=[{"start": START, "end": z(at(9) + dt.timedelta(days=61))}]
            ),
            "query_periods",
            "errors.invalid",
        ),
        (lambda b: b.update(start_interval={"minutes": 7}), "start_interval", "errors.invalid"),
        (lambda b: b.update(response_format="weeks"), "response_format", "errors.invalid"),
        (lambda b: b.update(max_results=5000), "max_results", "errors.too_large"),
        (lambda b: b.update(buffer={"before": {"minutes": -5}}), "buffer.before", "errors.invalid"),
        (
            lambda b: b["participants"][0].update(required=2),
            "participants.0.required",
            "errors.invalid",
        ),
        (
            lambda b: b["participants"][0].update(required="some"),
            "participants.0.required",
            "errors.invalid",
        ),
        (
            lambda b: b["participants"][0]["members"].append(b["participants"][0]["members"][0]),
            "participants.0.members",
            "errors.invalid",
        ),
        (
            lambda b: b["participants"][0]["members"].append({"sub": "apc_nobody"}),
            "participants.0.members.1.sub",
            "errors.unknown_sub",
        ),
        (
            lambda b: b["participants"][0]["members"][0].update(calendar_ids=["cal_nope"]),
            "participants.0.members.0.calendar_ids",
            "errors.unknown_calendar",
        ),
        (
            lambda b: b["participants"][0]["members"][0].update(availability_rule_ids=["nope"]),
            "participants.0.members.0.availability_rule_ids",
            "errors.unknown_availability_rule",
        ),
        (
            lambda b: b.update(query_slots=[{"start": START}]),
            "query_slots",
            "errors.invalid",
        ),
        # Values that would overflow date arithmetic are refused, never a 500.
        (
            lambda b: b.update(required_duration={"minutes": 10**13}),
            "required_duration",
            "errors.invalid",
        ),
        (
            lambda b: b.update(buffer={"before": {"minutes": 10**9}}),
            "buffer.before",
            "errors.invalid",
        ),
        (
            lambda b: b.update(minimum_notice={"minutes": 5 * 10**9}),
            "minimum_notice",
            "errors.invalid",
        ),
        (
            lambda b: b["query_periods"][0].update(start="0001-01-01T00:30:00+01:00"),
            "query_periods.0.start",
            "errors.invalid",
        ),
        (
            lambda b: b["query_periods"][0].update(end="9999-12-31T23:30:00-01:00"),
            "query_periods.0.end",
            "errors.invalid",
        ),
    ],
)
def test_bad_queries_get_a_422_naming_the_field(post, account, change, field, key):
    body = valid_body([account.sub])
    change(body)
    response = post(body)
    assert response.status_code == 422, response.json()
    assert first_key(response, field) == key


def test_too_many_members_is_a_422(post, app_creds):
    subs = [f"apc_{n}" for n in range(101)]
    body = valid_body(subs[:60])
    body["participants"].append({"members": [{"sub": s} for s in subs[60:]]})
    response = post(body)
    assert response.status_code == 422
    assert "participants" in response.json()["errors"]


def test_too_many_groups_is_a_422(post, account):
    body = valid_body([account.sub])
    body["participants"] = body["participants"] * 11
    assert first_key(post(body), "participants") == "errors.too_long"


def test_malformed_json_is_a_422(app_creds):
    client = JsonClient(app_creds.client_secret)
    response = client.call("POST", "/v1/availability", "{not json")
    assert response.status_code == 422
    assert response.json()["errors"]["base"][0]["key"] == "errors.invalid_json"


def test_loading_members_takes_constant_queries(post, app_creds):
    def members(count, calendars):
        # Half application calendars, half people (whose grants are checked for free/busy).
        accounts = [make_account(app_creds.application) for _ in range(count // 2)]
        for _ in range(count - count // 2):
            person = make_user_account()
            make_tokens(app_creds.application, person)
            accounts.append(person)
        for account in accounts:
            primary = primary_calendar(account)
            extra = [
                calendar_create(
                    account=account, profile_id=primary.profile.profile_id, name=f"C{n}"
                )
                for n in range(calendars - 1)
            ]
            for calendar in [primary, *extra]:
                make_event(calendar, at(10), at(11))
            make_rule(account)
        return accounts

    counts = []
    for group in (members(2, calendars=1), members(20, calendars=3)):
        body = valid_body([a.sub for a in group])
        for member in body["participants"][0]["members"]:
            member["managed_availability"] = True
        with CaptureQueriesContext(connection) as queries:
            assert post(body).status_code == 200
        counts.append(len(queries))
    # the caller's failure count (rate limits, in the database cache) + API key (2: access tokens
    # first) + accounts + grants + calendars + rules + periods + events
    assert counts[0] == counts[1] <= 9
