import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import ResourceSettings
from scheduling.models import Account, Calendar
from tests.bookings.v2.conftest import V2Client
from tests.clock import FROZEN_NOW
from tests.factories import make_application

pytestmark = pytest.mark.django_db

ROOM = {"name": "Room 1", "email": "room1@example.com", "timezone": "Europe/Paris"}
CONSTRAINTS = [
    {"allow_day_and_time": {"day": "Monday", "start": 9, "end": 17}},
    {"block_weekends": {}},
]


def test_create_makes_a_resource_account_with_a_calendar(v2, app_creds):
    response = v2.v2("POST", "/v2/resources", {**ROOM, "availability_constraints": CONSTRAINTS})
    assert response.status_code == 201
    data = response.json()["data"]
    assert {k: data[k] for k in ("name", "email", "timezone")} == ROOM
    assert data["id"].startswith("res_")
    account = Account.objects.get(sub=data["id"])
    assert account.kind == Account.Kind.RESOURCE
    assert account.application == app_creds.application
    assert Calendar.objects.filter(account=account, primary=True).exists()
    assert data["created_at"].startswith(FROZEN_NOW.date().isoformat())


def test_an_email_is_checked_as_sent_not_trimmed(v2):
    response = v2.v2("POST", "/v2/resources", {"name": "Van", "email": "a@\u001c"})
    assert response.status_code == 201
    assert response.json()["data"]["email"] == "a@\u001c"


def test_create_defaults_the_time_zone_to_utc(v2):
    response = v2.v2("POST", "/v2/resources", {"name": "Van"})
    assert response.json()["data"]["timezone"] == "Etc/UTC"


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": 5},
        {"name": "x", "email": "not-an-email"},
        {"name": "x", "email": "a@b@c"},
        {"name": "x", "timezone": "Mars/Base"},
        {"name": "x", "availability_constraints": {"allow_hours": {}}},
        {"name": "x", "availability_constraints": [{"allow_everything": {}}]},
        {"name": "x", "availability_constraints": [{"allow_hours": 5}]},
        {"name": "x", "availability_constraints": [{"allow_hours": {"start": {"h": 9}}}]},
        {"name": "x", "availability_constraints": [{"allow_hours": {}, "block_day": {}}]},
    ],
)
def test_bad_input_is_a_422_and_creates_nothing(v2, body):
    response = v2.v2("POST", "/v2/resources", body)
    assert response.status_code == 422
    assert response.json()["errors"]
    assert not Account.objects.filter(kind=Account.Kind.RESOURCE).exists()


def test_list_get_update_delete(v2):
    created = v2.v2("POST", "/v2/resources", ROOM).json()["data"]
    path = f"/v2/resources/{created['id']}"
    assert v2.v2("GET", "/v2/resources").json() == {"data": [created]}
    assert v2.v2("GET", path).json() == {"data": created}
    updated = v2.v2("PUT", path, {"timezone": "America/New_York"})
    assert updated.status_code == 200
    assert updated.json()["data"]["timezone"] == "America/New_York"
    assert updated.json()["data"]["name"] == "Room 1"
    assert v2.v2("DELETE", path).status_code == 204
    assert v2.v2("GET", path).status_code == 404
    assert not Account.objects.filter(sub=created["id"]).exists()


def test_a_bad_update_changes_nothing(v2):
    created = v2.v2("POST", "/v2/resources", ROOM).json()["data"]
    path = f"/v2/resources/{created['id']}"
    response = v2.v2("PUT", path, {"name": "New", "timezone": "Nowhere/Land"})
    assert response.status_code == 422
    assert v2.v2("GET", path).json()["data"]["name"] == "Room 1"


def test_another_applications_resources_are_invisible(v2):
    created = v2.v2("POST", "/v2/resources", ROOM).json()["data"]
    other = V2Client(make_application("Other").client_secret)
    path = f"/v2/resources/{created['id']}"
    assert other.v2("GET", "/v2/resources").json() == {"data": []}
    for method, body in (("GET", None), ("PUT", {"name": "Mine"}), ("DELETE", None)):
        response = other.v2(method, path, body)
        assert response.status_code == 404
        assert response.json() == {"error": "Resource not found."}
    assert Account.objects.get(sub=created["id"]).name == "Room 1"


def test_only_resources_are_listed_not_other_accounts(v2, account):
    assert v2.v2("GET", "/v2/resources").json() == {"data": []}
    assert v2.v2("GET", f"/v2/resources/{account.sub}").status_code == 404


def test_availability_constraints_are_stored_and_returned(v2):
    created = v2.v2("POST", "/v2/resources", {**ROOM, "availability_constraints": CONSTRAINTS})
    assert created.json()["data"]["availability_constraints"] == CONSTRAINTS
    path = f"/v2/resources/{created.json()['data']['id']}"
    assert v2.v2("GET", path).json()["data"]["availability_constraints"] == CONSTRAINTS
    assert (
        v2.v2("GET", "/v2/resources").json()["data"][0]["availability_constraints"] == CONSTRAINTS
    )
    account = Account.objects.get(sub=created.json()["data"]["id"])
    assert ResourceSettings.objects.get(account=account).availability_constraints == CONSTRAINTS


def test_a_resource_without_constraints_has_an_empty_list(v2):
    assert v2.v2("POST", "/v2/resources", ROOM).json()["data"]["availability_constraints"] == []


def test_put_replaces_the_constraints_and_keeps_them_when_left_out(v2):
    created = v2.v2("POST", "/v2/resources", {**ROOM, "availability_constraints": CONSTRAINTS})
    path = f"/v2/resources/{created.json()['data']['id']}"
    assert (
        v2.v2("PUT", path, {"name": "Room 2"}).json()["data"]["availability_constraints"]
        == CONSTRAINTS
    )
    new = [{"block_period": {"start": "2025-03-01", "end": "2025-03-08"}}]
    assert (
        v2.v2("PUT", path, {"availability_constraints": new}).json()["data"][
            "availability_constraints"
        ]
        == new
    )
    assert v2.v2("GET", path).json()["data"]["availability_constraints"] == new
    assert (
        v2.v2("PUT", path, {"availability_constraints": []}).json()["data"][
            "availability_constraints"
        ]
        == []
    )


def test_a_bad_constraint_names_its_field_and_changes_nothing(v2):
    created = v2.v2("POST", "/v2/resources", {**ROOM, "availability_constraints": CONSTRAINTS})
    path = f"/v2/resources/{created.json()['data']['id']}"
    bad = [{"allow_weekdays": {}}, {"allow_hours": {"start": 9, "end": 25}}]
    response = v2.v2("PUT", path, {"name": "New", "availability_constraints": bad})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["availability_constraints.1.allow_hours.end"]
    after = v2.v2("GET", path).json()["data"]
    assert (after["name"], after["availability_constraints"]) == ("Room 1", CONSTRAINTS)


def test_listing_resources_takes_the_same_queries_for_many(v2, django_assert_max_num_queries):
    v2.v2("POST", "/v2/resources", {**ROOM, "availability_constraints": CONSTRAINTS})
    with CaptureQueriesContext(connection) as one:
        v2.v2("GET", "/v2/resources")
    count = len(one)  # now: the next request clears the connection's query log
    for n in range(5):
        v2.v2("POST", "/v2/resources", {"name": f"R{n}", "availability_constraints": CONSTRAINTS})
    with django_assert_max_num_queries(count):
        assert len(v2.v2("GET", "/v2/resources").json()["data"]) == 6
