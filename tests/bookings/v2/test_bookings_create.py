"""POST /v2/bookings for classes (group_owner) and seats (group_customer): what is stored, what
is answered, and the 422s that change nothing."""

import datetime as dt

import pytest

from bookings.models import Booking, BookingTransition
from tests.bookings.v2.bookings_calls import (
    HOUR,
    START,
    class_body,
    created,
    iso,
    make_project,
    make_resource,
    seat_body,
)
from tests.bookings.v2.conftest import V2Client
from tests.clock import FROZEN_NOW
from tests.factories import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(app_creds):
    return make_resource(app_creds.application)


@pytest.fixture
def klass(v2, doc):
    return created(v2, class_body(doc, max_seats=3))


# --- classes -----------------------------------------------------------------------------------


def test_a_class_is_created_with_its_settings(v2, doc):
    body = class_body(
        doc,
        settings={
            "max_seats": 12,
            "min_booking_time": "2 hours",
            "max_booking_time": "2 weeks",
            "min_cancel_time": "1 day 30 minutes",
        },
        meta={"room": "B"},
    )
    data = created(v2, body)
    klass = Booking.objects.get(booking_id=data["id"])
    assert (klass.graph, klass.state, klass.account, klass.max_seats) == (
        "group_owner",
        "tentative",
        doc,
        12,
    )
    assert (klass.start, klass.end) == (START, START + HOUR)
    assert (klass.min_booking_time, klass.max_booking_time, klass.min_cancel_time) == (
        dt.timedelta(hours=2),
        dt.timedelta(weeks=2),
        dt.timedelta(days=1, minutes=30),
    )
    assert (klass.what, klass.where, klass.meta) == (
        "Flux capacitance",
        "https://join.example.test/x",
        {"room": "B"},
    )
    assert klass.event.calendar.account == doc
    assert data["created_at"].startswith(FROZEN_NOW.date().isoformat())


def test_create_answers_the_includes_booking_js_asks_for(v2, doc):
    response = v2.v2("POST", "/v2/bookings?include=attributes,event,user", class_body(doc))
    data = response.json()["data"]
    assert data["attributes"]["group_booking"] == {"max_seats": 20, "current_seats": 0}
    assert data["event"]["what"] == "Flux capacitance"
    assert data["event"]["id"].startswith("evt_")
    assert data["user"] == {"id": doc.sub, "name": "Doc Brown", "timezone": "Etc/UTC"}


def test_what_where_and_description_are_optional(v2, doc):
    body = class_body(doc)
    del body["what"], body["where"], body["description"]
    klass = Booking.objects.get(booking_id=created(v2, body)["id"])
    assert (klass.what, klass.where, klass.description) == ("", "", "")


def test_a_trailing_slash_creates_too_and_is_never_redirected(v2, doc):
    response = v2.v2("POST", "/v2/bookings/", class_body(doc))
    assert response.status_code == 201


def test_a_projects_booking_settings_fill_the_gaps(v2, app_creds, doc):
    project = make_project(
        app_creds.application,
        [doc],
        graph="group_owner",
        what="Default title",
        settings={"max_seats": 7, "min_cancel_time": "3 hours"},
    )
    body = class_body(doc, project_id=str(project.project_id), settings={"max_seats": 9})
    del body["graph"], body["what"]
    klass = Booking.objects.get(booking_id=created(v2, body)["id"])
    assert (klass.graph, klass.what, klass.max_seats) == ("group_owner", "Default title", 9)
    assert klass.min_cancel_time == dt.timedelta(hours=3)
    assert klass.project == project


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"graph": "webinar"}, "graph"),
        ({"graph": None}, "graph"),
        ({"settings": {}}, "settings.max_seats"),
        ({"settings": {"max_seats": 0}}, "settings.max_seats"),
        ({"settings": {"max_seats": "20"}}, "settings.max_seats"),
        ({"settings": {"max_seats": 2, "min_booking_time": "soon"}}, "settings.min_booking_time"),
        (
            {"settings": {"max_seats": 2, "min_cancel_time": "9999 weeks"}},
            "settings.min_cancel_time",
        ),
        ({"start": "2025-03-01T09:00:00"}, "start"),
        ({"end": iso(START - HOUR)}, "end"),
        ({"resource_id": "res_nothing"}, "resource_id"),
        ({"project_id": "5b1c0b1e-4a4e-4c38-8b9d-1f4a1f0a0a0a"}, "project_id"),
        ({"project_id": "not-a-uuid"}, "project_id"),
        ({"calendar_id": "cal_nothing"}, "calendar_id"),
        ({"what": 5}, "what"),
        ({"meta": [1]}, "meta"),
    ],
)
def test_a_bad_class_is_a_422_on_its_field_and_creates_nothing(v2, doc, change, field):
    body = class_body(doc) | change
    if change.get("graph") is None and "graph" in change:
        del body["graph"]
    response = v2.v2("POST", "/v2/bookings", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()
    assert not Booking.objects.exists()


def test_an_unknown_graph_lists_the_graphs(v2, doc):
    response = v2.v2("POST", "/v2/bookings", class_body(doc, graph="webinar"))
    (message,) = response.json()["errors"]["graph"]
    for graph in ("instant", "confirm_decline", "group_owner", "group_customer"):
        assert graph in message


def test_another_applications_resource_is_refused(v2, doc):
    other = make_application("Other")
    theirs = make_resource(other.application, "Their room")
    response = v2.v2("POST", "/v2/bookings", class_body(theirs))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["resource_id"]
    assert not Booking.objects.exists()


# --- seats -------------------------------------------------------------------------------------


def test_a_seat_is_taken_with_the_customers_fields(v2, klass, doc):
    body = seat_body(klass["id"], seats=2)
    body["customer"] |= {"timezone": "Europe/Paris", "phone": "+33 1", "comment": "Hi"}
    data = created(v2, body)
    seat = Booking.objects.get(booking_id=data["id"])
    assert (seat.graph, seat.state, seat.seats) == ("group_customer", "confirmed", 2)
    assert (seat.customer_timezone, seat.customer_extra) == (
        "Europe/Paris",
        {"phone": "+33 1", "comment": "Hi"},
    )
    assert seat.owner_booking.taken_seats == 2
    response = v2.v2("GET", f"/v2/bookings/{data['id']}?include=customers,owner_booking")
    shown = response.json()["data"]
    assert shown["customers"] == [
        {
            "id": str(seat.customer_id),
            "name": "Marty McFly",
            "email": "marty@example.test",
            "timezone": "Europe/Paris",
            "phone": "+33 1",
            "comment": "Hi",
        }
    ]
    assert shown["owner_booking"]["id"] == klass["id"]


def test_seats_may_be_sent_at_the_top_level(v2, klass):
    body = seat_body(klass["id"]) | {"seats": 2}
    assert Booking.objects.get(booking_id=created(v2, body)["id"]).seats == 2


def test_a_seat_inherits_its_classs_project(v2, app_creds, doc):
    project = make_project(app_creds.application, [doc])
    klass = created(v2, class_body(doc, project_id=str(project.project_id)))
    seat = created(v2, seat_body(klass["id"]))
    assert Booking.objects.get(booking_id=seat["id"]).project == project


def test_a_seat_with_the_classs_resource_is_taken_and_another_refused(v2, app_creds, klass, doc):
    assert (
        v2.v2("POST", "/v2/bookings", seat_body(klass["id"]) | {"resource_id": doc.sub}).status_code
        == 201
    )
    other = make_resource(app_creds.application, "Einstein")
    response = v2.v2("POST", "/v2/bookings", seat_body(klass["id"]) | {"resource_id": other.sub})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["resource_id"]


def seat_refusal(v2, body) -> dict:
    before = Booking.objects.filter(graph="group_customer").count()
    response = v2.v2("POST", "/v2/bookings", body)
    assert response.status_code == 422
    assert Booking.objects.filter(graph="group_customer").count() == before
    return response.json()["errors"]


def test_no_seats_left_is_a_422_and_oversells_nothing(v2, klass):
    created(v2, seat_body(klass["id"], seats=2))
    errors = seat_refusal(v2, seat_body(klass["id"], seats=2))
    assert list(errors) == ["related.seats"]
    assert Booking.objects.get(booking_id=klass["id"]).taken_seats == 2


@pytest.mark.parametrize("seats", [0, -1, "1", 1.5])
def test_seats_below_one_or_not_integers_are_refused(v2, klass, seats):
    assert list(seat_refusal(v2, seat_body(klass["id"], seats=seats))) == ["related.seats"]


def test_an_unknown_or_foreign_class_is_refused(v2, klass):
    errors = seat_refusal(v2, seat_body("6a0c5a52-6f7b-4bd4-8d0e-2a3a6e0f0d11"))
    assert list(errors) == ["related.owner_booking_id"]
    other = V2Client(make_application("Other").client_secret)
    response = other.v2("POST", "/v2/bookings", seat_body(klass["id"]))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["related.owner_booking_id"]


def test_a_seat_cannot_be_the_class_of_a_seat(v2, klass):
    seat = created(v2, seat_body(klass["id"]))
    assert list(seat_refusal(v2, seat_body(seat["id"]))) == ["related.owner_booking_id"]


def test_a_seat_on_a_cancelled_class_is_refused(v2, klass):
    v2.v2("PUT", f"/v2/bookings/{klass['id']}/cancel", {})
    errors = seat_refusal(v2, seat_body(klass["id"]))
    assert "cancelled" in errors["related.owner_booking_id"][0]


def test_a_seat_on_a_past_class_is_refused(v2, klass, clock):
    clock.move_to(START + dt.timedelta(minutes=1))
    assert list(seat_refusal(v2, seat_body(klass["id"]))) == ["related.owner_booking_id"]


def test_a_seat_outside_the_booking_window_is_refused(v2, doc, clock):
    body = class_body(doc, settings={"max_seats": 5, "max_booking_time": "1 day"})
    klass = created(v2, body)
    errors = seat_refusal(v2, seat_body(klass["id"]))
    assert "not open" in errors["related.owner_booking_id"][0]
    clock.move_to(START - dt.timedelta(hours=12))
    assert v2.v2("POST", "/v2/bookings", seat_body(klass["id"])).status_code == 201


@pytest.mark.parametrize(
    ("customer", "field"),
    [
        (None, "customer"),
        ({"email": "a@example.test"}, "customer.name"),
        ({"name": "A"}, "customer.email"),
        ({"name": "A", "email": "not-an-email"}, "customer.email"),
        ({"name": "A", "email": "a@example.test", "timezone": "Mars/Base"}, "customer.timezone"),
        ({"name": "A", "email": "a@example.test", "pet": {"kind": "dog"}}, "customer.pet"),
    ],
)
def test_a_bad_customer_is_refused(v2, klass, customer, field):
    body = seat_body(klass["id"])
    body["customer"] = customer
    if customer is None:
        del body["customer"]
    assert field in seat_refusal(v2, body)


def test_every_creation_is_recorded_as_entering_its_state(v2, klass):
    seat = created(v2, seat_body(klass["id"]))
    entered = BookingTransition.objects.filter(action="").values_list(
        "booking__booking_id", "to_state"
    )
    assert {(str(b), s) for b, s in entered} == {
        (klass["id"], "tentative"),
        (seat["id"], "confirmed"),
    }
