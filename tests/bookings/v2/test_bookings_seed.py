"""Seed 004 (Timekit's group bookings tutorial), its requests sent verbatim: a webinar, its seats,
the attendee list, a customer's cancellation and the owner's cancel cascade."""

import datetime as dt

import pytest

from bookings.models import Booking, BookingTransition
from tests.bookings.v2.bookings_calls import make_project, make_resource

pytestmark = pytest.mark.django_db

LA = {"HTTP_TIMEKIT_TIMEZONE": "America/Los_Angeles"}


@pytest.fixture
def webinar_world(app_creds, clock):
    clock.move_to(dt.datetime(2016, 9, 1, tzinfo=dt.UTC))
    doc = make_resource(app_creds.application, "Doc Brown", tz="America/Los_Angeles")
    project = make_project(app_creds.application, [doc], graph="group_customer")
    return doc, project


def step1_body(doc, project) -> dict:
    return {
        "resource_id": doc.sub,
        "project_id": str(project.project_id),
        "graph": "group_owner",
        "settings": {"max_seats": 20},
        "start": "2016-09-30T08:00:00-08:00",
        "end": "2016-09-30T09:00:00-08:00",
        "what": "Doc Brown's webinar on flux capacitance",
        "where": "https://join.skype.com/XXXXXX",
        "description": "This webinar assumes you have read Doc Browns introduction paper on "
        "flux capacitance",
    }


def seat(owner_id: str, name: str, email: str, seats: int | None = 1) -> dict:
    related = {"owner_booking_id": owner_id, **({"seats": seats} if seats else {})}
    return {
        "graph": "group_customer",
        "related": related,
        "customer": {"name": name, "email": email},
    }


def test_seed_004_group_bookings_through_the_api(v2, webinar_world):
    doc, project = webinar_world
    # Step 1: the webinar.
    response = v2.v2("POST", "/v2/bookings", step1_body(doc, project))
    assert response.status_code == 201
    webinar = response.json()["data"]
    assert (webinar["state"], webinar["graph"], webinar["completed"]) == (
        "tentative",
        "group_owner",
        False,
    )
    webinar_id = webinar["id"]

    # Step 2: seats left, in the caller's zone (September: PDT, -07:00).
    group = v2.v2("GET", f"/v2/bookings/groups/{webinar_id}", **LA).json()["data"]
    calendar_id = Booking.objects.get(booking_id=webinar_id).calendar.calendar_id
    assert group["attributes"] == {
        "event_info": {
            "start": "2016-09-30T09:00:00-07:00",
            "end": "2016-09-30T10:00:00-07:00",
            "what": "Doc Brown's webinar on flux capacitance",
            "where": "https://join.skype.com/XXXXXX",
            "calendar_id": calendar_id,
            "description": step1_body(doc, project)["description"],
        },
        "group_booking": {"max_seats": 20, "current_seats": 0},
    }
    assert group["resource"]["id"] == doc.sub

    # Step 3: Marty books a seat (the seed's body), Biff another (seats omitted: 1).
    marty = v2.v2("POST", "/v2/bookings", seat(webinar_id, "Marty McFly", "marty.mcfly@timekit.io"))
    assert marty.status_code == 201
    marty = marty.json()["data"]
    assert set(marty) == {"id", "state", "graph", "completed", "created_at", "updated_at"}
    assert (marty["state"], marty["graph"], marty["completed"]) == (
        "confirmed",
        "group_customer",
        False,
    )
    body = seat(webinar_id, "Biff Tannen", "biff.tannen@timekit.io", seats=None)
    biff = v2.v2("POST", "/v2/bookings", body).json()["data"]
    group = v2.v2("GET", f"/v2/bookings/groups/{webinar_id}").json()["data"]
    assert group["attributes"]["group_booking"] == {"max_seats": 20, "current_seats": 2}

    # Step 5: the attendees.
    path = f"/v2/bookings/{webinar_id}?include=related_bookings.customers"
    managed = v2.v2("GET", path).json()["data"]
    assert (managed["id"], managed["state"], managed["graph"]) == (
        webinar_id,
        "tentative",
        "group_owner",
    )
    related = managed["related_bookings"]
    assert [(r["id"], r["state"], r["graph"], r["completed"]) for r in related] == [
        (marty["id"], "confirmed", "group_customer", False),
        (biff["id"], "confirmed", "group_customer", False),
    ]
    customers = [r["customers"] for r in related]
    assert [[{k: c[k] for k in ("name", "email", "timezone")} for c in cs] for cs in customers] == [
        [
            {
                "name": "Marty McFly",
                "email": "marty.mcfly@timekit.io",
                "timezone": "America/Los_Angeles",
            }
        ],
        [
            {
                "name": "Biff Tannen",
                "email": "biff.tannen@timekit.io",
                "timezone": "America/Los_Angeles",
            }
        ],
    ]
    assert all(cs[0]["id"] for cs in customers)

    # Step 4, customer cancellation: Marty's seat is freed.
    response = v2.v2(
        "PUT",
        f"/v2/bookings/{marty['id']}/cancel_by_customer",
        {"cancel_by_customer": {"message": "Double booked. Sorry, Doc!"}},
    )
    assert response.status_code == 200
    assert (response.json()["data"]["state"], response.json()["data"]["completed"]) == (
        "cancelled_by_customer",
        True,
    )
    group = v2.v2("GET", f"/v2/bookings/groups/{webinar_id}").json()["data"]
    assert group["attributes"]["group_booking"]["current_seats"] == 1
    marty_cancel = BookingTransition.objects.get(
        booking__booking_id=marty["id"], action="cancel_by_customer"
    )
    assert marty_cancel.message == "Double booked. Sorry, Doc!"

    # Step 4, owner cancellation: every confirmed seat goes with the webinar, each told.
    response = v2.v2(
        "PUT",
        f"/v2/bookings/{webinar_id}/cancel",
        {"cancel": {"message": "Down with the flu, sorry! -Doc."}},
    )
    assert response.status_code == 200
    assert response.json()["data"]["state"] == "cancelled"
    states = dict(
        Booking.objects.filter(owner_booking__booking_id=webinar_id).values_list(
            "customer_email", "state"
        )
    )
    assert states == {
        "marty.mcfly@timekit.io": "cancelled_by_customer",
        "biff.tannen@timekit.io": "cancelled_by_owner",
    }
    told = BookingTransition.objects.filter(to_state="cancelled_by_owner")
    assert [(t.booking.customer_email, t.message) for t in told] == [
        ("biff.tannen@timekit.io", "Down with the flu, sorry! -Doc.")
    ]
    group = v2.v2("GET", f"/v2/bookings/groups/{webinar_id}").json()["data"]
    assert group["state"] == "cancelled"
    assert group["attributes"]["group_booking"]["current_seats"] == 0
