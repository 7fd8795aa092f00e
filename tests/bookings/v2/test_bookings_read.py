"""GET /v2/bookings and /v2/bookings/{id}: includes, searches, time zones, isolation, and a list
whose query count does not grow with its length."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from bookings.action_links import action_token_read
from bookings.models import Booking
from tests.bookings.v2.bookings_calls import (
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

EVERYTHING = (
    "attributes,event,calendar,customers,resource,user,available_actions,"
    "customer_action_links,meta,project,owner_booking,related_bookings.customers"
)


@pytest.fixture
def world(v2, app_creds):
    doc = make_resource(app_creds.application)
    project = make_project(app_creds.application, [doc])
    klass = created(v2, class_body(doc, project_id=str(project.project_id)))
    seat = created(v2, seat_body(klass["id"]) | {"meta": {"source": "web"}})
    return doc, project, klass, seat


def get(v2, path: str, **extra) -> dict:
    response = v2.v2("GET", path, **extra)
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def test_a_booking_without_includes_has_the_native_fields_only(v2, world):
    _doc, _project, klass, _seat = world
    data = get(v2, f"/v2/bookings/{klass['id']}")
    assert set(data) == {"id", "state", "graph", "completed", "created_at", "updated_at"}
    assert data["id"] == klass["id"]
    assert data["created_at"] == klass["created_at"]
    assert "." not in data["created_at"]  # Timekit's timestamps: whole seconds


def test_a_seat_with_every_include(v2, world):
    doc, project, klass, seat = world
    data = get(v2, f"/v2/bookings/{seat['id']}?include={EVERYTHING}")
    row = Booking.objects.select_related("owner_booking__event", "calendar").get(
        booking_id=seat["id"]
    )
    assert data["attributes"]["event_info"]["start"] == START.isoformat()
    assert "group_booking" not in data["attributes"]
    assert data["event"] == {
        "id": row.owner_booking.event.event_uid,
        "start": START.isoformat(),
        "end": (START + dt.timedelta(hours=1)).isoformat(),
        "what": "Flux capacitance",
        "where": "https://join.example.test/x",
        "description": "",
        "calendar_id": row.calendar.calendar_id,
        "all_day": False,
    }
    assert data["calendar"] == {"id": row.calendar.calendar_id, "name": row.calendar.name}
    assert [c["email"] for c in data["customers"]] == ["marty@example.test"]
    assert (
        data["resource"]
        == data["user"]
        == {"id": doc.sub, "name": "Doc Brown", "timezone": "Etc/UTC"}
    )
    assert data["available_actions"] == ["complete", "cancel_by_customer", "cancel_by_owner"]
    assert list(data["customer_action_links"]) == ["cancel_by_customer"]
    assert data["meta"] == {"source": "web"}
    assert data["project"] == {
        "id": str(project.project_id),
        "name": "Webinars",
        "slug": project.slug,
    }
    assert data["owner_booking"]["id"] == klass["id"]
    assert data["related_bookings"] == []


def test_a_class_with_its_related_bookings(v2, world):
    _doc, _project, klass, seat = world
    data = get(v2, f"/v2/bookings/{klass['id']}?include=related_bookings,customers,attributes")
    assert "customers" not in data  # a class's customers are its seats'
    assert [r["id"] for r in data["related_bookings"]] == [seat["id"]]
    assert "customers" not in data["related_bookings"][0]
    assert data["attributes"]["group_booking"] == {"max_seats": 20, "current_seats": 1}


def test_customer_action_links_are_signed_for_their_booking_and_action(v2, world):
    _doc, _project, _klass, seat = world
    links = get(v2, f"/v2/bookings/{seat['id']}?include=customer_action_links")
    url = urlsplit(links["customer_action_links"]["cancel_by_customer"])
    assert (url.scheme, url.netloc) == ("http", "testserver")
    assert url.path == f"/v2/bookings/{seat['id']}/external_action/cancel_by_customer"
    link = action_token_read(parse_qs(url.query)["signature"][0])
    assert (link.booking_id, link.action) == (seat["id"], "cancel_by_customer")


def test_no_cancel_link_once_the_cancel_window_closed(v2, app_creds, clock):
    doc = make_resource(app_creds.application)
    body = class_body(doc, settings={"max_seats": 3, "min_cancel_time": "1 day"})
    seat = created(v2, seat_body(created(v2, body)["id"]))
    path = f"/v2/bookings/{seat['id']}?include=customer_action_links"
    assert list(get(v2, path)["customer_action_links"]) == ["cancel_by_customer"]
    clock.move_to(START - dt.timedelta(hours=23))
    assert get(v2, path)["customer_action_links"] == {}


def test_times_are_written_in_the_timekit_timezone_across_a_dst_change(v2, app_creds, clock):
    clock.move_to(dt.datetime(2025, 3, 20, tzinfo=dt.UTC))
    doc = make_resource(app_creds.application)
    before = dt.datetime(2025, 3, 29, 12, tzinfo=dt.UTC)  # Paris: CET, +01:00
    after = dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC)  # Paris: CEST, +02:00
    ids = [created(v2, class_body(doc, start=start))["id"] for start in (before, after)]
    paris = {"HTTP_TIMEKIT_TIMEZONE": "Europe/Paris"}
    starts = [
        get(v2, f"/v2/bookings/{i}?include=attributes", **paris)["attributes"]["event_info"][
            "start"
        ]
        for i in ids
    ]
    assert starts == ["2025-03-29T13:00:00+01:00", "2025-03-31T14:00:00+02:00"]


def test_an_unknown_zone_include_or_search_is_a_422(v2, world):
    _doc, _project, klass, _seat = world
    for path, extra, field in (
        (f"/v2/bookings/{klass['id']}", {"HTTP_TIMEKIT_TIMEZONE": "Mars/Base"}, "Timekit-Timezone"),
        ("/v2/bookings?search=graph:instant", {"HTTP_TIMEKIT_TIMEZONE": ""}, "Timekit-Timezone"),
        ("/v2/bookings/groups", {"HTTP_TIMEKIT_TIMEZONE": "AAA"}, "Timekit-Timezone"),
        (f"/v2/bookings/{klass['id']}?include=everything", {}, "include"),
        ("/v2/bookings?search=colour:red", {}, "search"),
        ("/v2/bookings?search=graph:webinar", {}, "search"),
        ("/v2/bookings?search=state:happy", {}, "search"),
    ):
        response = v2.v2("GET", path, **extra)
        assert response.status_code == 422
        assert list(response.json()["errors"]) == [field]


def test_include_and_search_are_held_to_the_schemas_patterns(v2, world):
    assert get(v2, "/v2/bookings?search=&include=") == get(v2, "/v2/bookings")
    for query in ("include=attributes,%20event", "search=graph:instant;", "include=,attributes"):
        assert v2.v2("GET", f"/v2/bookings?{query}").status_code == 422


def test_another_applications_bookings_are_invisible(v2, world):
    _doc, _project, klass, seat = world
    other = V2Client(make_application("Other").client_secret)
    assert other.v2("GET", "/v2/bookings").json() == {"data": []}
    for booking_id in (klass["id"], seat["id"], "not-a-uuid"):
        response = other.v2("GET", f"/v2/bookings/{booking_id}")
        assert response.status_code == 404
        assert response.json() == {"error": "Booking not found."}


def test_paths_answer_with_and_without_a_trailing_slash(v2, world):
    _doc, _project, klass, _seat = world
    assert get(v2, "/v2/bookings/") == get(v2, "/v2/bookings")
    assert get(v2, f"/v2/bookings/{klass['id']}/") == get(v2, f"/v2/bookings/{klass['id']}")


# --- searches ----------------------------------------------------------------------------------


@pytest.fixture
def many(v2, app_creds, world):
    doc, project, klass, seat = world
    other_doc = make_resource(app_creds.application, "Einstein")
    other_class = created(v2, class_body(other_doc))
    other_seat = created(v2, seat_body(other_class["id"], name="Biff", email="Biff@Example.test"))
    v2.v2("PUT", f"/v2/bookings/{other_seat['id']}/cancel_by_customer", {})
    return {"doc": doc, "project": project, "einstein": other_doc} | {
        "klass": klass["id"],
        "seat": seat["id"],
        "other_class": other_class["id"],
        "other_seat": other_seat["id"],
    }


def ids(v2, query: str) -> set[str]:
    return {b["id"] for b in get(v2, f"/v2/bookings?{query}")}


def test_searches_filter_by_graph_state_project_resource_and_customer_email(v2, many):
    everything = {many["klass"], many["seat"], many["other_class"], many["other_seat"]}
    assert ids(v2, "") == everything
    assert ids(v2, "search=graph:group_owner") == {many["klass"], many["other_class"]}
    assert ids(v2, "search=state:cancelled_by_customer") == {many["other_seat"]}
    assert ids(v2, f"search=project.id:{many['project'].project_id}") == {
        many["klass"],
        many["seat"],
    }
    assert ids(v2, f"search=resource.id:{many['einstein'].sub}") == {
        many["other_class"],
        many["other_seat"],
    }
    assert ids(v2, "search=customer.email:biff@example.test") == {many["other_seat"]}
    both = f"search=graph:group_customer;resource.id:{many['doc'].sub}"
    assert ids(v2, both) == {many["seat"]}


def test_a_search_for_ids_of_nothing_finds_nothing(v2, many):
    other = make_application("Other")
    theirs = make_project(other.application)
    assert ids(v2, f"search=project.id:{theirs.project_id}") == set()
    assert ids(v2, "search=project.id:not-a-uuid") == set()
    assert ids(v2, "search=resource.id:res_nothing") == set()


def test_the_list_costs_the_same_queries_for_one_or_many(v2, app_creds):
    doc = make_resource(app_creds.application)
    path = f"/v2/bookings?include={EVERYTHING}"

    def grow(classes: int) -> None:
        for _ in range(classes):
            klass = created(v2, class_body(doc))
            for n in range(2):
                created(v2, seat_body(klass["id"], email=f"c{n}@example.test"))

    counts = []
    for classes in (1, 3):
        grow(classes)
        reset_queries()  # the request resets the log; start it empty so nothing is cut
        with CaptureQueriesContext(connection) as captured:
            listed = get(v2, path)
        counts.append((len(listed), len(captured)))
    # the failure count (rate limits), the key, the bookings with their relations, the
    # prefetched seats
    assert counts == [(3, counts[0][1]), (12, counts[0][1])]
    assert counts[0][1] <= 5
