"""booking.js books with the public widget key: only what its project offers (a slot of its
availability, a seat in one of its open classes), in the project's graph; it may not list
bookings, and lists the classes of a project of its own only."""

import datetime as dt

import pytest

from bookings.models import Booking
from bookings.services.projects import project_create
from scheduling.models import Account
from tests.bookings.classes import make_class
from tests.bookings.v2.conftest import WIDGET_HEADERS
from tests.factories import make_account

pytestmark = pytest.mark.django_db

CUSTOMER = {"name": "Marty", "email": "marty@example.test", "timezone": "Europe/Paris"}


def first_slot(widget, project) -> dict:
    body = {"project_id": project["id"], "resources": project["resources"]}
    return widget.v2("POST", "/v2/availability", body, **WIDGET_HEADERS).json()["data"][0]


def book(widget, project, **body):
    payload = {"project_id": project["id"], "graph": "instant", "customer": CUSTOMER, **body}
    return widget.v2(
        "POST", "/v2/bookings?include=attributes,event,user", payload, **WIDGET_HEADERS
    )


def test_the_widget_books_a_slot_its_project_offers(widget, project):
    slot = first_slot(widget, project)
    response = book(
        widget,
        project,
        start=slot["start"],
        end=slot["end"],
        resource_id=slot["resources"][0]["id"],
    )
    assert response.status_code == 201, response.json()
    assert Booking.objects.get().state == "confirmed"


def test_the_widget_may_not_book_a_time_its_project_does_not_offer(widget, project):
    slot = first_slot(widget, project)
    start = dt.datetime.fromisoformat(slot["start"])
    response = book(
        widget,
        project,
        start=slot["start"],
        end=(start + dt.timedelta(hours=3)).isoformat(),  # longer than the project's 30 minutes
        resource_id=slot["resources"][0]["id"],
    )
    assert response.status_code == 422
    assert "start" in response.json()["errors"]
    assert not Booking.objects.exists()


def test_the_widget_may_not_book_another_resource_or_graph(widget, project, app_creds):
    slot = first_slot(widget, project)
    other = make_account(app_creds.application, kind=Account.Kind.RESOURCE)
    times = {"start": slot["start"], "end": slot["end"]}
    assert book(widget, project, resource_id=other.sub, **times).status_code == 422
    klass = {"graph": "group_owner", "resource_id": other.sub, "settings": {"max_seats": 5}}
    assert book(widget, project, **times, **klass).status_code == 403
    assert not Booking.objects.exists()


def test_the_widget_must_name_its_project_and_may_not_list_bookings(widget, project):
    response = widget.v2("POST", "/v2/bookings", {"graph": "instant"}, **WIDGET_HEADERS)
    assert response.status_code == 422
    assert "project_id" in response.json()["errors"]
    assert widget.v2("GET", "/v2/bookings", **WIDGET_HEADERS).status_code == 403


def test_the_widget_takes_seats_in_its_projects_open_classes_only(widget, v2, app_creds, resource):
    room = make_account(app_creds.application, kind=Account.Kind.RESOURCE)
    project = project_create(
        application=app_creds.application,
        name="Classes",
        resource_ids=[room.sub],
        booking={"graph": "group_customer"},
    )
    ours = make_class(app_creds, room, max_seats=2)
    theirs = make_class(app_creds, resource, max_seats=2)  # another resource, no project
    path = f"/v2/bookings/groups?search=project.id:{project.project_id}"
    listed = widget.v2("GET", path, **WIDGET_HEADERS).json()["data"]
    assert [c["id"] for c in listed] == [str(ours.booking_id)]

    def seat(klass):
        return widget.v2(
            "POST",
            "/v2/bookings",
            {
                "project_id": str(project.project_id),
                "graph": "group_customer",
                "related": {"owner_booking_id": str(klass.booking_id)},
                "customer": CUSTOMER,
            },
            **WIDGET_HEADERS,
        )

    assert seat(theirs).status_code == 422
    assert seat(ours).status_code == 201
    assert widget.v2("GET", "/v2/bookings/groups", **WIDGET_HEADERS).status_code == 422


def test_a_body_that_is_not_an_object_is_a_400_or_422_for_the_widget(widget, project):
    response = widget.v2("POST", "/v2/bookings", [1, 2], **WIDGET_HEADERS)
    assert response.status_code in (400, 422)
    assert not Booking.objects.exists()


def test_a_project_booking_is_named_after_the_project(widget, project):
    slot = first_slot(widget, project)
    response = book(
        widget,
        project,
        start=slot["start"],
        end=slot["end"],
        resource_id=slot["resources"][0]["id"],
    )
    assert response.json()["data"]["attributes"]["event_info"]["what"] == "Doc Brown"
