"""POST /v1/availability: through pycronofy against the live server, and plain HTTP for the rest."""

import pytest

from scheduling.models import Event
from scheduling.scopes import DEFAULT_SCOPE
from tests.api_client import JsonClient
from tests.api_helpers import at, period, z
from tests.factories import (
    make_account,
    make_application,
    make_available_period,
    make_event,
    make_rule,
    make_tokens,
    make_user_account,
    primary_calendar,
)


@pytest.fixture
def people(app_creds):
    """Two application calendars of the same application, each busy at a different time."""
    alice = make_account(app_creds.application, name="Alice")
    bob = make_account(app_creds.application, name="Bob")
    make_event(primary_calendar(alice), at(10), at(11))
    make_event(primary_calendar(bob), at(13), at(14))
    return alice, bob


def query(*members, required="all", **extra) -> dict:
    body = {
        "participants": [{"members": [{"sub": m.sub} for m in members], "required": required}],
        "required_duration": {"minutes": 60},
        "query_periods": [period(9, 17)],
    }
    body.update(extra)
    return body


def post(app_creds, body, token=None):
    return JsonClient(token or app_creds.client_secret).call("POST", "/v1/availability", body)


@pytest.mark.django_db(transaction=True)
def test_pycronofy_availability_periods_for_all_members(cronofy, app_creds, people):
    alice, bob = people
    # Several accounts: the application's API key, which pycronofy sends as its access token.
    client = cronofy(access_token=app_creds.client_secret)
    periods = client.availability(
        participants={"members": [alice.sub, bob.sub], "required": "all"},
        required_duration=60,
        available_periods=[period(9, 17)],
    )
    both = [{"sub": alice.sub}, {"sub": bob.sub}]
    assert periods == [
        {**period(9, 10), "participants": both},
        {**period(11, 13), "participants": both},
        {**period(14, 17), "participants": both},
    ]


@pytest.mark.django_db(transaction=True)
def test_pycronofy_availability_slots_with_buffer_and_interval(cronofy, app_creds, people):
    alice, _ = people
    client = cronofy(access_token=make_tokens(app_creds.application, alice).access_token)
    slots = client.availability(
        participants=[{"members": [alice.sub]}],
        required_duration=60,
        available_periods=[period(9, 13)],
        start_interval=30,
        buffer={"before": 15, "after": {"minutes": 15}},
        response_format="slots",
    )
    # Busy 10-11 widened by the buffers blocks slots touching 9:45-11:15.
    assert [(s["start"], s["end"]) for s in slots] == [
        (z(at(11.5)), z(at(12.5))),
    ]


def test_overlapping_slots_start_on_every_boundary(app_creds, people):
    alice, _ = people
    body = query(alice, response_format="overlapping_slots", start_interval={"minutes": 30})
    body["query_periods"] = [period(11, 12.5)]
    response = post(app_creds, body)
    assert response.status_code == 200
    starts = [s["start"] for s in response.json()["available_slots"]]
    assert starts == [z(at(11)), z(at(11.5))]


def test_n_of_m_lists_every_free_member(app_creds, people):
    alice, bob = people
    body = query(alice, bob, required=1, response_format="slots", start_interval={"minutes": 60})
    body["query_periods"] = [period(9, 12)]
    slots = post(app_creds, body).json()["available_slots"]
    assert slots == [
        {**period(9, 10), "participants": [{"sub": alice.sub}, {"sub": bob.sub}]},
        {**period(10, 11), "participants": [{"sub": bob.sub}]},
        {**period(11, 12), "participants": [{"sub": alice.sub}, {"sub": bob.sub}]},
    ]


def test_groups_are_all_satisfied(app_creds, people):
    alice, bob = people
    body = query(alice)
    body["participants"].append({"members": [{"sub": bob.sub}], "required": "all"})
    body["query_periods"] = [period(12, 15)]
    assert post(app_creds, body).json()["available_periods"] == [
        {**period(12, 13), "participants": [{"sub": alice.sub}, {"sub": bob.sub}]},
        {**period(14, 15), "participants": [{"sub": alice.sub}, {"sub": bob.sub}]},
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"transparency": Event.Transparency.TRANSPARENT},
        {"status": Event.Status.CANCELLED},
        {"deleted": True},
    ],
)
def test_events_that_do_not_block(app_creds, account, change):
    make_event(primary_calendar(account), at(10), at(11), **change)
    body = query(account)
    assert post(app_creds, body).json()["available_periods"] == [
        {**period(9, 17), "participants": [{"sub": account.sub}]}
    ]


def test_tentative_events_block(app_creds, account):
    make_event(primary_calendar(account), at(10), at(11), status=Event.Status.TENTATIVE)
    periods = post(app_creds, query(account)).json()["available_periods"]
    assert [(p["start"], p["end"]) for p in periods] == [
        (z(at(9)), z(at(10))),
        (z(at(11)), z(at(17))),
    ]


def test_calendar_ids_restrict_which_calendars_are_busy(app_creds, account, api):
    other = api.call(
        "POST", "/v1/calendars", {"profile_id": account.profiles.get().profile_id, "name": "Side"}
    )
    side = account.calendars.get(calendar_id=other.json()["calendar"]["calendar_id"])
    make_event(side, at(10), at(11))
    body = query(account)
    body["participants"][0]["members"][0]["calendar_ids"] = [primary_calendar(account).calendar_id]
    assert len(post(app_creds, body).json()["available_periods"]) == 1
    del body["participants"][0]["members"][0]["calendar_ids"]
    assert len(post(app_creds, body).json()["available_periods"]) == 2


def test_managed_availability_uses_rules_and_available_periods(app_creds, account):
    make_rule(
        account,
        tzid="Europe/London",
        weekly_periods=[{"day": "monday", "start_time": "09:00", "end_time": "11:00"}],
    )
    make_available_period(account, at(15), at(16))
    body = query(account)
    body["participants"][0]["members"][0]["managed_availability"] = True
    periods = post(app_creds, body).json()["available_periods"]
    assert [(p["start"], p["end"]) for p in periods] == [
        (z(at(9)), z(at(11))),  # London is on UTC in early March
        (z(at(15)), z(at(16))),
    ]


def test_member_available_periods_limit_that_member(app_creds, account):
    body = query(account)
    body["participants"][0]["members"][0]["available_periods"] = [period(12, 14)]
    periods = post(app_creds, body).json()["available_periods"]
    assert [(p["start"], p["end"]) for p in periods] == [(z(at(12)), z(at(14)))]


def test_all_day_event_blocks_the_local_day(app_creds, api, account):
    account.default_tzid = "America/New_York"
    account.save()
    calendar_id = primary_calendar(account).calendar_id
    response = api.call(
        "POST",
        f"/v1/calendars/{calendar_id}/events",
        {
            "event_id": "holiday",
            "summary": "Holiday",
            "start": at(24).date().isoformat(),
            "end": at(48).date().isoformat(),
        },
    )
    assert response.status_code == 202
    body = query(account)
    body["query_periods"] = [{"start": z(at(24)), "end": z(at(60))}]
    periods = post(app_creds, body).json()["available_periods"]
    # New York is UTC-5 in early March: the local Tuesday is 05:00Z Tuesday to 05:00Z Wednesday.
    assert [(p["start"], p["end"]) for p in periods] == [
        (z(at(24)), z(at(29))),
        (z(at(53)), z(at(60))),
    ]


def test_query_slots_answer_only_those_starts(app_creds, account):
    make_event(primary_calendar(account), at(10), at(11))
    body = query(account, response_format="slots")
    del body["query_periods"]
    body["query_slots"] = [{"start": z(at(9))}, {"start": z(at(10.5))}, {"start": z(at(12))}]
    slots = post(app_creds, body).json()["available_slots"]
    assert [s["start"] for s in slots] == [z(at(9)), z(at(12))]


def test_max_results_truncates(app_creds, account):
    body = query(account, response_format="slots", start_interval={"minutes": 60}, max_results=3)
    assert len(post(app_creds, body).json()["available_slots"]) == 3


def test_an_access_token_queries_its_own_account(app_creds, account):
    token = make_tokens(app_creds.application, account).access_token
    response = post(app_creds, query(account), token=token)
    assert response.status_code == 200
    assert response.json()["available_periods"] == [
        {**period(9, 17), "participants": [{"sub": account.sub}]}
    ]


def test_an_access_token_never_reads_another_accounts_availability(app_creds, people):
    alice, bob = people
    token = make_tokens(app_creds.application, alice).access_token
    response = post(app_creds, query(alice, bob), token=token)
    assert response.status_code == 422
    [error] = response.json()["errors"]["participants.0.members.1.sub"]
    assert error["key"] == "errors.not_accessible"
    assert bob.sub in error["description"]
    assert "participants.0.members.0.sub" not in response.json()["errors"]


def test_an_access_token_needs_a_free_busy_scope(app_creds, account):
    token = make_tokens(app_creds.application, account, scope="create_event").access_token
    response = post(app_creds, query(account), token=token)
    assert response.status_code == 403
    assert response.json()["errors"]["base"][0]["key"] == "errors.insufficient_scope"
    token = make_tokens(app_creds.application, account, scope="read_free_busy").access_token
    assert post(app_creds, query(account), token=token).status_code == 200


def test_another_applications_account_is_a_422_naming_it(app_creds, account):
    other_app = make_application("Other")
    stranger = make_account(other_app.application, name="Stranger")
    body = query(account, stranger)
    response = post(app_creds, body)
    assert response.status_code == 422
    [error] = response.json()["errors"]["participants.0.members.1.sub"]
    assert error["key"] == "errors.unknown_sub"
    assert stranger.sub in error["description"]
    # ... and with that application's own key it works.
    assert post(other_app, query(stranger)).status_code == 200


@pytest.mark.parametrize(
    ("scope", "status"),
    [("read_account create_event", 422), ("read_free_busy", 200), (DEFAULT_SCOPE, 200)],
)
def test_a_person_is_queryable_only_when_their_grant_covers_free_busy(app_creds, scope, status):
    person = make_user_account()
    make_tokens(app_creds.application, person, scope=scope)
    response = post(app_creds, query(person))
    assert response.status_code == status, response.json()
    if status == 422:
        [error] = response.json()["errors"]["participants.0.members.0.sub"]
        assert error["key"] == "errors.not_accessible"
        assert person.sub in error["description"]


@pytest.mark.parametrize("header", [None, "Bearer None", "Bearer wrong"])
def test_bad_credentials_get_401(anon_api, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = anon_api.post(
        "/v1/availability", data="{}", content_type="application/json", **extra
    )
    assert response.status_code == 401


def test_more_query_slots_than_query_periods_are_allowed(app_creds, account):
    # Slots are not turned into query periods on the way (at most 50 of those, 100 slots).
    body = query(account, response_format="slots")
    del body["query_periods"]
    body["query_slots"] = [{"start": z(at(n / 4))} for n in range(60)]
    slots = post(app_creds, body).json()["available_slots"]
    assert len(slots) == 60


def test_the_same_unknown_member_in_two_groups_is_named_at_both_paths(app_creds, account):
    body = query(account)
    body["participants"] = [{"members": ["apc_nobody"]}, {"members": [account.sub, "apc_nobody"]}]
    response = post(app_creds, body)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {
        "participants.0.members.0.sub",
        "participants.1.members.1.sub",
    }
