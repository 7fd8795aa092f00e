"""Element tokens (`?et=`) on the endpoints Cronofy's UI Elements call: within the token's
permissions and subs, for its first sub where the Elements name no account."""

from urllib.parse import urlsplit

import pytest

from scheduling.models import AvailabilityRule, Event
from tests.api_helpers import at, period
from tests.factories import (
    make_account,
    make_application,
    make_element_token,
    make_event,
    make_rule,
    make_tokens,
    make_user_account,
    primary_calendar,
)
from tests.scheduling.api.element_calls import ANON, availability, call, key, sequence

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(app_creds):
    return make_account(app_creds.application, name="Other")


# --- availability ---------------------------------------------------------------------------


def test_availability_with_the_availability_permission(app_creds, account, other):
    make_event(primary_calendar(other), at(9), at(10))
    et = make_element_token(app_creds.application, account, other, permissions=["availability"])

    response = call("POST", "/v1/availability", et, availability(account, other))

    assert response.status_code == 200
    slots = response.json()["available_slots"]
    assert slots[0] == {
        **period(10, 11),
        "participants": [{"sub": account.sub}, {"sub": other.sub}],
    }


def test_sequenced_availability_with_the_availability_permission(app_creds, account):
    et = make_element_token(app_creds.application, account, permissions=["availability"])
    response = call("POST", "/v1/sequenced_availability", et, sequence(account))
    assert response.status_code == 200
    [first, *_] = response.json()["sequences"]
    assert first["sequence"][0]["participants"] == [{"sub": account.sub}]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/availability", availability, "participants.0.members.1.sub"),
        ("/v1/sequenced_availability", sequence, "sequence.0.participants.0.members.1.sub"),
    ],
)
def test_a_member_outside_the_subs_is_a_422_on_its_sub(
    app_creds, account, other, path, body, field
):
    et = make_element_token(app_creds.application, account, permissions=["availability"])
    response = call("POST", path, et, body(account, other))
    assert response.status_code == 422
    [error] = response.json()["errors"][field]
    assert list(response.json()["errors"]) == [field]
    assert error["key"] == "errors.not_accessible"
    assert "element token its subs" in error["description"]


@pytest.mark.parametrize("path", ["/v1/availability", "/v1/sequenced_availability"])
def test_availability_without_the_permission_is_403(app_creds, account, path):
    et = make_element_token(
        app_creds.application, account, permissions=["agenda", "managed_availability"]
    )
    body = availability(account) if path == "/v1/availability" else sequence(account)
    response = call("POST", path, et, body)
    assert response.status_code == 403
    assert key(response) == "errors.insufficient_permission"


def test_another_applications_token_reaches_none_of_these_accounts(app_creds, account):
    stranger = make_application()
    own = make_account(stranger.application)
    et = make_element_token(stranger.application, own, permissions=["availability"])
    response = call("POST", "/v1/availability", et, availability(own, account))
    assert response.status_code == 422
    assert "participants.0.members.1.sub" in response.json()["errors"]


def test_a_persons_free_busy_needs_their_grant_to_allow_it(app_creds):
    person = make_user_account()
    make_tokens(app_creds.application, person, scope="read_account")
    et = make_element_token(app_creds.application, person, permissions=["availability"])
    response = call("POST", "/v1/availability", et, availability(person))
    assert response.status_code == 422
    assert key(response) == "errors.not_accessible"


# --- events ---------------------------------------------------------------------------------


def events_path(**extra) -> str:
    query = {"tzid": "Etc/UTC", "from": "2025-03-01", "to": "2025-03-10", **extra}
    return "/v1/events?" + "&".join(f"{name}={value}" for name, value in query.items())


def test_events_of_the_first_sub_with_the_agenda_permission(app_creds, account, other):
    make_event(primary_calendar(account), at(9), at(10), summary="Mine")
    make_event(primary_calendar(other), at(11), at(12), summary="Other's")
    et = make_element_token(app_creds.application, account, other, permissions=["agenda"])

    response = call("GET", events_path(), et)

    assert response.status_code == 200
    assert [event["summary"] for event in response.json()["events"]] == ["Mine"]
    assert "userinfo" not in response.json()


def test_events_embed_userinfo_as_the_agenda_asks(app_creds, account, other):
    et = make_element_token(app_creds.application, account, other, permissions=["agenda"])
    query = {"include_geo": "true", "include_userinfo": "true", "include_managed": "true"}

    response = call("GET", events_path(**query), et)

    userinfo = response.json()["userinfo"]
    assert userinfo["sub"] == account.sub
    [profile] = userinfo["cronofy.data"]["profiles"]
    assert [c["calendar_id"] for c in profile["profile_calendars"]] == [
        primary_calendar(account).calendar_id
    ]
    assert userinfo == call("GET", "/v1/userinfo", et).json()


def test_events_next_page_works_with_the_token_appended(app_creds, account, settings):
    settings.API_PAGE_SIZE = 2
    for hour in range(9, 14):
        make_event(primary_calendar(account), at(hour), at(hour + 0.5), summary=f"E{hour}")
    et = make_element_token(app_creds.application, account, permissions=["agenda"])

    first = call("GET", events_path(include_userinfo="true"), et).json()
    next_page = first["pages"]["next_page"]
    assert "et=" not in next_page  # the Agenda appends its own
    second = call("GET", urlsplit(next_page).path, et).json()

    assert [e["summary"] for e in first["events"] + second["events"]] == ["E9", "E10", "E11", "E12"]
    assert second["pages"]["current"] == 2
    assert ANON.call("GET", urlsplit(next_page).path).status_code == 401


def test_events_without_the_agenda_permission_are_403(app_creds, account):
    et = make_element_token(app_creds.application, account, permissions=["availability"])
    response = call("GET", events_path(), et)
    assert response.status_code == 403
    assert key(response) == "errors.insufficient_permission"


def test_an_element_token_never_deletes_events(app_creds, account):
    make_event(
        primary_calendar(account), at(9), at(10), application=app_creds.application, event_id="e1"
    )
    et = make_element_token(app_creds.application, account)  # every permission
    response = call("DELETE", "/v1/events?delete_all=true", et)
    assert response.status_code == 403
    assert key(response) == "errors.forbidden"
    assert Event.objects.filter(deleted=False).count() == 1


def test_a_persons_events_need_their_grant_to_allow_reading_them(app_creds):
    person = make_user_account()
    make_tokens(app_creds.application, person, scope="read_account read_free_busy")
    et = make_element_token(app_creds.application, person, permissions=["agenda"])
    response = call("GET", events_path(), et)
    assert response.status_code == 403
    assert key(response) == "errors.insufficient_scope"


# --- availability rules -----------------------------------------------------------------------

RULE = {
    "availability_rule_id": "default",
    "tzid": "Europe/London",
    "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "12:00"}],
}


def test_rules_are_read_and_saved_for_the_first_sub(app_creds, account, other):
    et = make_element_token(
        app_creds.application, account, other, permissions=["managed_availability"]
    )

    assert call("GET", "/v1/availability_rules/default", et).status_code == 404
    saved = call("POST", "/v1/availability_rules", et, RULE)
    assert saved.status_code == 200
    assert saved.json()["availability_rule"]["weekly_periods"] == RULE["weekly_periods"]
    rule = AvailabilityRule.objects.get()
    assert (rule.account, rule.tzid) == (account, "Europe/London")
    read = call("GET", "/v1/availability_rules/default", et)
    assert read.json()["availability_rule"]["availability_rule_id"] == "default"
    listed = call("GET", "/v1/availability_rules", et)
    assert [r["availability_rule_id"] for r in listed.json()["availability_rules"]] == ["default"]
    assert call("DELETE", "/v1/availability_rules/default", et).status_code == 202
    assert not AvailabilityRule.objects.exists()


def test_a_rule_of_another_sub_is_not_found(app_creds, account, other):
    make_rule(other, rule_id="theirs")
    et = make_element_token(
        app_creds.application, account, other, permissions=["managed_availability"]
    )
    assert call("GET", "/v1/availability_rules/theirs", et).status_code == 404
    assert call("DELETE", "/v1/availability_rules/theirs", et).status_code == 404
    assert AvailabilityRule.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/availability_rules"),
        ("POST", "/v1/availability_rules"),
        ("GET", "/v1/availability_rules/r1"),
        ("DELETE", "/v1/availability_rules/r1"),
    ],
)
def test_rules_without_the_managed_availability_permission_are_403(
    app_creds, account, method, path
):
    make_rule(account, rule_id="r1")
    et = make_element_token(app_creds.application, account, permissions=["agenda", "availability"])
    response = call(method, path, et, RULE if method == "POST" else None)
    assert response.status_code == 403
    assert key(response) == "errors.insufficient_permission"
    assert AvailabilityRule.objects.get().availability_rule_id == "r1"


# --- userinfo -------------------------------------------------------------------------------


@pytest.mark.parametrize("permission", ["agenda", "managed_availability", "account_management"])
def test_userinfo_of_the_first_sub(app_creds, account, other, permission):
    et = make_element_token(app_creds.application, account, other, permissions=[permission])
    response = call("GET", "/v1/userinfo", et)
    assert response.status_code == 200
    assert response.json()["sub"] == account.sub


def test_userinfo_needs_more_than_availability(app_creds, account):
    et = make_element_token(app_creds.application, account, permissions=["availability"])
    response = call("GET", "/v1/userinfo", et)
    assert response.status_code == 403
    assert key(response) == "errors.insufficient_permission"


def test_a_persons_userinfo_shows_what_they_granted(app_creds):
    person = make_user_account()
    make_tokens(app_creds.application, person, scope="read_account read_events")
    et = make_element_token(app_creds.application, person, permissions=["agenda"])
    body = call("GET", "/v1/userinfo", et).json()
    assert body["cronofy.data"]["authorization"]["scope"] == "read_account read_events"
    # No list_calendars in the grant: profiles without calendars, as for an access token.
    assert all(p["profile_calendars"] == [] for p in body["cronofy.data"]["profiles"])
