import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calendars_sync.models import SetupResource
from scheduling.models import Account, Calendar
from scheduling.services.accounts import resource_create
from tests.calendars_sync.setup_api.conftest import ROOM
from tests.clock import FROZEN_NOW

pytestmark = pytest.mark.django_db

FULL = {
    **ROOM,
    "description": "Corner room",
    "timezoneName": "Europe/Paris",
    "address": {"addressLine1": "1 Main St", "city": "Lyon"},
    "contact": {"businessPhone": "+33 1 23 45 67 89"},
    "customFields": {"field1": "blue"},
    "groupId": "g1",
    "serviceIds": ["7", "8"],
    "options": {"calendarAvailability": 0, "displayColor": "#ff0000", "sortKey": 3},
}


def test_create_makes_a_core_resource_and_echoes_the_view_model(setup_api, app_creds):
    response = setup_api.setup("POST", "resources", FULL)
    assert response.status_code == 201
    body = response.json()
    account = Account.objects.get(sub=body["id"])
    assert (account.kind, account.application) == (Account.Kind.RESOURCE, app_creds.application)
    assert Calendar.objects.filter(account=account, primary=True).exists()
    assert body["id"].startswith("res_")
    assert {k: body[k] for k in FULL if k != "options"} == {
        k: v for k, v in FULL.items() if k not in {"options", "timezoneName"}
    } | {"timezoneName": "Europe/Paris"}
    assert body["timezoneIana"] == "Europe/Paris"
    assert body["options"] == {
        "calendarAvailability": 0,
        "googleCalendarId": "",
        "outlookCalendarId": "",
        "displayColor": "#ff0000",
        "sortKey": 3,
    }
    assert body["googleCalendarAuthUrl"] is None
    assert body["googleCalendarAuthorized"] is False
    assert body["outlookCalendarAuthUrl"] is None
    assert body["outlookCalendarAuthorized"] is False
    assert body["deleted"] is False
    assert body["createdAt"].startswith(FROZEN_NOW.date().isoformat())


def test_read_answers_what_create_answered(setup_api):
    created = setup_api.setup("POST", "resources", FULL).json()
    assert setup_api.setup("GET", f"resources/{created['id']}").json() == created


def test_timezone_id_is_taken_as_an_iana_name(setup_api):
    body = setup_api.setup("POST", "resources", {**ROOM, "timezoneId": "America/New_York"}).json()
    assert body["timezoneName"] == "America/New_York"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a@b.test"}, "name"),
        ({"name": "Room"}, "email"),
        ({**ROOM, "email": "not-an-email"}, "email"),
        ({**ROOM, "timezoneName": "Mars/Olympus"}, "timezoneName"),
        ({**ROOM, "name": 5}, "name"),
        ({**ROOM, "options": {"calendarAvailability": 3}}, "options.calendarAvailability"),
        ({**ROOM, "options": {"calendarAvailability": "1"}}, "options.calendarAvailability"),
        ({**ROOM, "options": {"googleCalendarId": "nope"}}, "options.googleCalendarId"),
        ({**ROOM, "address": "1 Main St"}, "address"),
    ],
)
def test_bad_input_is_a_422_with_errors_by_field(setup_api, body, field):
    response = setup_api.setup("POST", "resources", body)
    assert response.status_code == 422
    assert response.json()["error"] == "The request is invalid."
    assert list(response.json()["errors"]) == [field]
    assert not Account.objects.filter(kind=Account.Kind.RESOURCE).exists()


def test_malformed_json_is_a_400(setup_api):
    response = setup_api.setup("POST", "resources", "{not json")
    assert response.status_code == 400
    assert set(response.json()) == {"error"}


def test_update_changes_only_what_it_gives(setup_api):
    created = setup_api.setup("POST", "resources", FULL).json()
    response = setup_api.setup(
        "PUT",
        f"resources/{created['id']}",
        {"name": "Room 2", "contact": {"mobilePhone": "1"}, "options": {"sortKey": 9}},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Room 2"
    assert body["contact"] == {"mobilePhone": "1"}
    assert body["address"] == FULL["address"]
    assert body["email"] == ROOM["email"]
    assert body["options"]["sortKey"] == 9
    assert body["options"]["displayColor"] == "#ff0000"
    assert Account.objects.get(sub=created["id"]).name == "Room 2"


def test_a_resource_made_through_another_api_is_listed_and_updated(setup_api, app_creds):
    resource = resource_create(application=app_creds.application, name="Van", email="v@x.test")
    listed = setup_api.setup("GET", "resources").json()["data"]
    assert [item["id"] for item in listed] == [resource.sub]
    response = setup_api.setup("PUT", f"resources/{resource.sub}", {"description": "Blue van"})
    assert response.json()["description"] == "Blue van"
    assert SetupResource.objects.get(account=resource).description == "Blue van"


def test_delete_is_soft_lists_the_resource_as_deleted_and_answers_404_by_id(setup_api):
    kept = setup_api.setup("POST", "resources", ROOM).json()
    gone = setup_api.setup("POST", "resources", {**ROOM, "name": "Gone"}).json()

    response = setup_api.setup("DELETE", f"resources/{gone['id']}")

    assert response.status_code == 200
    assert response.json()["deleted"] is True
    assert Account.objects.filter(sub=gone["id"]).exists()
    live = setup_api.setup("GET", "resources").json()
    deleted = setup_api.setup("GET", "resources?deleted=true").json()
    assert [item["id"] for item in live["data"]] == [kept["id"]]
    assert [item["id"] for item in deleted["data"]] == [gone["id"]]
    assert setup_api.setup("GET", f"resources/{gone['id']}").status_code == 404
    assert setup_api.setup("PUT", f"resources/{gone['id']}", {"name": "Back"}).status_code == 404
    auth = f"resources/{gone['id']}/calendar/auth/google/room@gmail.test"
    assert setup_api.setup("GET", auth).status_code == 404


def test_lists_page_with_limit_and_offset_in_onscheds_envelope(setup_api):
    ids = [
        setup_api.setup("POST", "resources", {**ROOM, "name": f"R{i}"}).json()["id"]
        for i in range(5)
    ]

    first = setup_api.setup("GET", "resources?limit=2").json()
    last = setup_api.setup("GET", "resources?limit=2&offset=4").json()

    assert {k: first[k] for k in ("object", "url", "hasMore", "count", "total")} == {
        "object": "list",
        "url": "/setup/v1/resources",
        "hasMore": True,
        "count": 2,
        "total": 5,
    }
    assert [item["id"] for item in first["data"]] == ids[:2]
    assert (last["hasMore"], last["count"], [item["id"] for item in last["data"]]) == (
        False,
        1,
        ids[4:],
    )


def test_the_default_page_is_twenty(setup_api, app_creds):
    for i in range(21):
        resource_create(application=app_creds.application, name=f"R{i}", email="r@x.test")
    body = setup_api.setup("GET", "resources").json()
    assert (body["count"], body["total"], body["hasMore"]) == (20, 21, True)


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "limit=ten"])
def test_paging_out_of_bounds_is_a_422(setup_api, query):
    response = setup_api.setup("GET", f"resources?{query}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_a_list_costs_the_same_queries_for_one_resource_or_many(setup_api, app_creds):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert setup_api.setup("GET", "resources").status_code == 200
        return len(captured)

    setup_api.setup("POST", "resources", {**ROOM, "options": {"googleCalendarId": "a@gmail.test"}})
    one = queries()
    for i in range(4):
        setup_api.setup(
            "POST", "resources", {**ROOM, "options": {"outlookCalendarId": f"r{i}@outlook.test"}}
        )
    assert queries() == one
