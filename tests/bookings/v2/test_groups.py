"""GET /v2/bookings/groups[/{id}]: classes as booking.js reads them; a project's search leaves out
what cannot be booked."""

import datetime as dt

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from tests.bookings.v2.bookings_calls import (
    HOUR,
    START,
    class_body,
    created,
    make_project,
    make_resource,
    seat_body,
)
from tests.bookings.v2.conftest import V2Client
from tests.factories import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(app_creds):
    return make_resource(app_creds.application, tz="Europe/London")


@pytest.fixture
def project(app_creds, doc):
    return make_project(app_creds.application, [doc], graph="group_customer")


def listed(v2, query: str = "", **extra) -> list[dict]:
    response = v2.v2("GET", f"/v2/bookings/groups{query}", **extra)
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def ids(v2, query: str = "") -> list[str]:
    return [c["id"] for c in listed(v2, query)]


def test_a_class_is_listed_with_what_booking_js_reads(v2, doc, project):
    klass = created(v2, class_body(doc, project_id=str(project.project_id), max_seats=4))
    created(v2, seat_body(klass["id"]))
    (item,) = listed(v2, f"?search=project.id:{project.project_id}")
    assert item["id"] == klass["id"]
    assert item["resource"] == {"id": doc.sub, "name": "Doc Brown", "timezone": "Europe/London"}
    info = item["attributes"]["event_info"]
    assert (info["start"], info["end"], info["what"]) == (
        START.isoformat(),
        (START + HOUR).isoformat(),
        "Flux capacitance",
    )
    assert item["attributes"]["group_booking"] == {"max_seats": 4, "current_seats": 1}
    assert v2.v2("GET", f"/v2/bookings/groups/{klass['id']}").json()["data"] == item


def test_a_projects_search_leaves_out_full_cancelled_past_and_closed_classes(
    v2, app_creds, doc, project, clock
):
    pid = str(project.project_id)
    open_class = created(v2, class_body(doc, project_id=pid, max_seats=2))
    full = created(v2, class_body(doc, project_id=pid, max_seats=1))
    created(v2, seat_body(full["id"]))
    cancelled = created(v2, class_body(doc, project_id=pid))
    v2.v2("PUT", f"/v2/bookings/{cancelled['id']}/cancel", {})
    soon = START - dt.timedelta(days=1, hours=23)  # an hour after now
    started = created(v2, class_body(doc, project_id=pid, start=soon))
    closed = created(
        v2,
        class_body(doc, project_id=pid, settings={"max_seats": 5, "min_booking_time": "3 days"}),
    )
    not_yet = created(
        v2,
        class_body(doc, project_id=pid, settings={"max_seats": 5, "max_booking_time": "1 day"}),
    )
    other_project = make_project(app_creds.application, [])
    created(v2, class_body(doc, project_id=str(other_project.project_id)))
    no_project = created(v2, class_body(doc))  # a project resource's class, made without one
    everything = ids(v2)
    assert len(everything) == 8

    assert set(ids(v2, f"?search=project.id:{pid}")) == {
        open_class["id"],
        started["id"],
        no_project["id"],
    }
    clock.move_to(soon + dt.timedelta(minutes=1))
    assert set(ids(v2, f"?search=project.id:{pid}")) == {open_class["id"], no_project["id"]}
    assert {not_yet["id"], closed["id"]} <= set(everything)  # in the unfiltered list only


def test_the_list_is_in_the_timekit_timezone_across_a_dst_change(v2, doc, project, clock):
    clock.move_to(dt.datetime(2025, 3, 20, tzinfo=dt.UTC))
    pid = str(project.project_id)
    for day in (29, 31):  # London: GMT before the 30th, BST after
        created(
            v2, class_body(doc, project_id=pid, start=dt.datetime(2025, 3, day, 9, tzinfo=dt.UTC))
        )
    london = {"HTTP_TIMEKIT_TIMEZONE": "Europe/London"}
    items = listed(v2, f"?search=project.id:{pid}", **london)
    assert [c["attributes"]["event_info"]["start"] for c in items] == [
        "2025-03-29T09:00:00+00:00",
        "2025-03-31T10:00:00+01:00",
    ]


def test_a_resource_search_narrows_the_list(v2, app_creds, doc):
    einstein = make_resource(app_creds.application, "Einstein")
    mine = created(v2, class_body(doc))
    created(v2, class_body(einstein))
    assert ids(v2, f"?search=resource.id:{doc.sub}") == [mine["id"]]
    assert ids(v2, "?search=resource.id:res_nothing") == []


def test_another_applications_classes_are_invisible(v2, doc, project):
    klass = created(v2, class_body(doc, project_id=str(project.project_id)))
    other = V2Client(make_application("Other").client_secret)
    assert other.v2("GET", "/v2/bookings/groups").json() == {"data": []}
    query = f"?search=project.id:{project.project_id}"
    assert other.v2("GET", f"/v2/bookings/groups{query}").json() == {"data": []}
    assert other.v2("GET", f"/v2/bookings/groups/{klass['id']}").status_code == 404


def test_a_seat_is_not_a_group(v2, doc):
    seat = created(v2, seat_body(created(v2, class_body(doc))["id"]))
    assert v2.v2("GET", f"/v2/bookings/groups/{seat['id']}").status_code == 404


def test_groups_take_a_trailing_slash_and_refuse_unknown_searches(v2, doc):
    klass = created(v2, class_body(doc))
    assert [c["id"] for c in v2.v2("GET", "/v2/bookings/groups/").json()["data"]] == [klass["id"]]
    assert v2.v2("GET", f"/v2/bookings/groups/{klass['id']}/").status_code == 200
    response = v2.v2("GET", "/v2/bookings/groups?search=graph:instant")
    assert response.status_code == 422


def test_the_project_list_costs_the_same_queries_for_one_or_many(v2, doc, project):
    pid = str(project.project_id)
    counts = []
    for classes in (1, 4):
        for _ in range(classes):
            created(v2, class_body(doc, project_id=pid))
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            found = listed(v2, f"?search=project.id:{pid}&include=event,project")
        counts.append((len(found), len(captured)))
    assert counts == [(1, counts[0][1]), (5, counts[0][1])]
