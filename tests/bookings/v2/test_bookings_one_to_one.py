"""/v2/bookings for one-to-one graphs (instant, confirm_decline): create, actions, reschedule.
They run once bookings/services/one_to_one.py (another slice of issue 9) is in the tree."""

import datetime as dt

import pytest

from bookings.engine import graphs
from bookings.models import Booking
from tests.bookings.v2.bookings_calls import HOUR, START, created, iso, make_project, make_resource

pytestmark = pytest.mark.django_db

CUSTOMER = {"name": "Marty McFly", "email": "marty@example.test", "timezone": "Europe/Paris"}


@pytest.fixture
def doc(app_creds):
    return make_resource(app_creds.application)


def body(doc, graph="instant", start=START, **extra) -> dict:
    return {
        "graph": graph,
        "resource_id": doc.sub,
        "start": iso(start),
        "end": iso(start + HOUR),
        "what": "Consultation",
        "customer": {**CUSTOMER, "phone": "+33 1"},
        **extra,
    }


def state_of(booking) -> str:
    return Booking.objects.get(booking_id=booking["id"]).state


@pytest.mark.parametrize(
    ("graph", "state"), [("instant", "confirmed"), ("confirm_decline", "tentative")]
)
def test_a_one_to_one_booking_is_created_in_its_graphs_first_state(v2, doc, graph, state):
    response = v2.v2("POST", "/v2/bookings?include=customers,attributes", body(doc, graph))
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert (data["graph"], data["state"]) == (graph, state)
    assert data["customers"][0] | {"id": None} == {**CUSTOMER, "phone": "+33 1", "id": None}
    assert data["attributes"]["event_info"]["what"] == "Consultation"


def test_a_projects_graph_applies(v2, app_creds, doc):
    project = make_project(app_creds.application, [doc], graph="confirm_decline")
    request = body(doc, project_id=str(project.project_id))
    del request["graph"]
    booking = created(v2, request)
    assert (booking["graph"], booking["state"]) == ("confirm_decline", "tentative")


def test_a_taken_slot_is_a_422_on_start_and_books_nothing(v2, doc):
    created(v2, body(doc))
    response = v2.v2("POST", "/v2/bookings", body(doc))
    assert response.status_code == 422
    assert "start" in response.json()["errors"]
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("graph", "path", "state"),
    [
        ("confirm_decline", ["confirm"], "confirmed"),
        ("confirm_decline", ["decline"], "declined"),
        ("confirm_decline", ["confirm", "cancel"], "cancelled"),
        ("instant", ["cancel"], "cancelled"),
        ("instant", ["cancel_by_customer"], "cancelled_by_customer"),
        ("instant", ["complete"], "completed"),
        ("instant", ["reschedule_by_customer"], "rescheduled_by_customer"),
    ],
)
def test_one_to_one_actions(v2, doc, graph, path, state):
    booking = created(v2, body(doc, graph))
    for action in path:
        response = v2.v2("PUT", f"/v2/bookings/{booking['id']}/{action}", {})
        assert response.status_code == 200, response.json()
    assert state_of(booking) == state
    assert response.json()["data"]["completed"] is graphs.is_final(graph, state)


def test_a_decline_takes_its_message_under_the_notify_option(v2, doc):
    booking = created(v2, body(doc, "confirm_decline"))
    options = {"notify_customer_declined_by_email": {"message": "Fully booked"}}
    v2.v2("PUT", f"/v2/bookings/{booking['id']}/decline", options)
    row = Booking.objects.get(booking_id=booking["id"])
    assert row.transitions.get(to_state="declined").message == "Fully booked"


def test_customer_links_of_a_confirmed_booking(v2, doc):
    booking = created(v2, body(doc))
    path = f"/v2/bookings/{booking['id']}?include=customer_action_links"
    links = v2.v2("GET", path).json()["data"]["customer_action_links"]
    assert list(links) == ["cancel_by_customer", "reschedule_by_customer"]


def test_reschedule_answers_the_new_booking_and_retires_the_old(v2, doc):
    booking = created(v2, body(doc))
    later = START + dt.timedelta(days=1)
    response = v2.v2(
        "POST",
        f"/v2/bookings/{booking['id']}/reschedule/?include=attributes",
        {"start": iso(later), "end": iso(later + HOUR), "message": "Clash"},
    )
    assert response.status_code == 201, response.json()
    new = response.json()["data"]
    assert new["id"] != booking["id"]
    assert new["attributes"]["event_info"]["start"] == later.isoformat()
    assert state_of(booking) == "rescheduled_by_customer"


def test_a_bad_reschedule_is_a_422_and_changes_nothing(v2, doc):
    booking = created(v2, body(doc))
    path = f"/v2/bookings/{booking['id']}/reschedule"
    for request in (
        {"start": iso(START)},
        {"start": iso(START), "end": iso(START - HOUR)},
        {"start": iso(START), "end": iso(START + HOUR), "resource_id": "res_nothing"},
    ):
        assert v2.v2("POST", path, request).status_code == 422
    assert state_of(booking) == "confirmed"
    assert Booking.objects.count() == 1
