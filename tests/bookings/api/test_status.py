"""A link's status (GET by id and by ?token=) and disabling it: enabled, disabled with its
display_message, completed once booked, expired at the end of its last query period; another
application's link, an unknown id and a forged token are all 404."""

import datetime as dt

import pytest

from bookings.links import link_token
from bookings.services.booking import scheduling_request_book
from tests.api_client import JsonClient
from tests.api_helpers import at
from tests.bookings.api.calls import SCHEDULING, token_of
from tests.bookings.factories import make_scheduling_request, scheduling_body
from tests.factories import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(app_creds, people):
    return make_scheduling_request(app_creds.application, scheduling_body(people))


def status(key_api, link) -> dict:
    by_id = key_api.call("GET", f"{SCHEDULING}/{link.real_time_scheduling_id}")
    assert by_id.status_code == 200
    token = link_token(link.real_time_scheduling_id)
    by_token = key_api.call("GET", f"{SCHEDULING}?token={token}")
    assert by_token.json() == by_id.json()
    return by_id.json()["real_time_scheduling"]


def disable(key_api, link, body=None):
    return key_api.call("POST", f"{SCHEDULING}/{link.real_time_scheduling_id}/disable", body or {})


def test_a_new_link_is_enabled_and_shows_its_event_and_url(key_api, link):
    shown = status(key_api, link)

    assert shown["status"] == "enabled"
    assert shown["real_time_scheduling_id"] == link.real_time_scheduling_id
    assert shown["event"] == link.spec["event"]
    assert shown["display_message"] is None
    assert token_of(shown["url"]) == link_token(link.real_time_scheduling_id)


def test_creation_answers_the_status_shape(key_api, people):
    created = key_api.call("POST", SCHEDULING, scheduling_body(people)).json()
    link_id = created["real_time_scheduling"]["real_time_scheduling_id"]

    read = key_api.call("GET", f"{SCHEDULING}/{link_id}").json()

    assert created == read
    assert created["url"] == created["real_time_scheduling"]["url"]


def test_disable_switches_the_link_off_with_a_message(key_api, link):
    response = disable(key_api, link, {"display_message": "This role has been filled"})

    assert response.status_code == 200
    assert response.json()["real_time_scheduling"]["status"] == "disabled"
    assert status(key_api, link)["display_message"] == "This role has been filled"
    link.refresh_from_db()
    assert link.disabled_at is not None


def test_disable_is_idempotent_and_each_call_sets_the_message(key_api, link, clock):
    assert disable(key_api, link).json()["real_time_scheduling"]["display_message"] is None
    link.refresh_from_db()
    first = link.disabled_at

    clock.shift(60)
    again = disable(key_api, link, {"display_message": "Closed"}).json()["real_time_scheduling"]

    assert (again["status"], again["display_message"]) == ("disabled", "Closed")
    link.refresh_from_db()
    assert link.disabled_at == first
    cleared = disable(key_api, link, {"display_message": None}).json()["real_time_scheduling"]
    assert cleared["display_message"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_message": 5}, "display_message"),
        ({"display_message": "x" * 1001}, "display_message"),
        (["not an object"], "base"),
    ],
)
def test_a_bad_display_message_is_a_422_and_changes_nothing(key_api, link, body, field):
    response = disable(key_api, link, body)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    link.refresh_from_db()
    assert link.disabled_at is None


def test_a_booked_link_is_completed_and_stays_so_when_disabled(key_api, link):
    scheduling_request_book(scheduling_request=link, starts=(at(10),), user_tzid="Etc/UTC")
    assert status(key_api, link)["status"] == "completed"

    assert disable(key_api, link).json()["real_time_scheduling"]["status"] == "completed"


def test_a_link_expires_at_the_end_of_its_last_query_period(key_api, link, clock):
    """scheduling_body offers 09:00 to 12:00 on DAY."""
    clock.move_to(at(12) - dt.timedelta(seconds=1))
    assert status(key_api, link)["status"] == "enabled"
    clock.move_to(at(12))
    assert status(key_api, link)["status"] == "expired"


def test_a_disabled_link_stays_disabled_after_its_end(key_api, link, clock):
    disable(key_api, link)
    clock.move_to(at(13))
    assert status(key_api, link)["status"] == "disabled"


def test_another_applications_link_is_not_found_and_not_disabled(link):
    stranger = JsonClient(make_application("Other").client_secret)
    token = link_token(link.real_time_scheduling_id)

    for method, path in [
        ("GET", f"{SCHEDULING}/{link.real_time_scheduling_id}"),
        ("GET", f"{SCHEDULING}?token={token}"),
        ("POST", f"{SCHEDULING}/{link.real_time_scheduling_id}/disable"),
    ]:
        response = stranger.call(method, path)
        assert response.status_code == 404, path
        assert response.json()["errors"]["base"][0]["key"] == "errors.not_found"
    link.refresh_from_db()
    assert link.disabled_at is None


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
        lambda token: token.split(".")[0],  # the id alone, unsigned
        lambda token: "sch_other." + token.split(".")[1],  # another id, this signature
        lambda token: "garbage",
    ],
)
def test_a_forged_token_is_not_found(key_api, link, forge):
    token = forge(link_token(link.real_time_scheduling_id))
    response = key_api.call("GET", f"{SCHEDULING}?token={token}")
    assert response.status_code == 404


def test_an_unknown_id_is_not_found(key_api, link):
    assert key_api.call("GET", f"{SCHEDULING}/sch_unknown").status_code == 404
    assert key_api.call("POST", f"{SCHEDULING}/sch_unknown/disable", {}).status_code == 404


@pytest.mark.parametrize(
    ("query", "key"),
    [("", "errors.required"), ("token=", "errors.required"), ("token=%00", "errors.invalid")],
)
def test_the_status_by_token_needs_a_token(key_api, query, key):
    response = key_api.call("GET", f"{SCHEDULING}?{query}")
    assert response.status_code == 422
    assert response.json()["errors"]["token"][0]["key"] == key
