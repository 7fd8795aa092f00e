"""Set-up for the /v2/bookings tests: resources, projects, classes and seats made through the API
itself (POST /v2/bookings), as a client would."""

import datetime as dt
import itertools

from bookings.models import Project
from scheduling.models import Application
from scheduling.services.accounts import resource_create
from tests.clock import FROZEN_NOW

START = FROZEN_NOW + dt.timedelta(days=2)
HOUR = dt.timedelta(hours=1)
_slugs = itertools.count(1)


def iso(value: dt.datetime) -> str:
    return value.isoformat()


def make_resource(application: Application, name: str = "Doc Brown", tz: str = "Etc/UTC"):
    return resource_create(
        application=application, name=name, email="doc@example.test", default_tzid=tz
    )


def make_project(application: Application, resources=(), **booking) -> Project:
    project = Project.objects.create(
        application=application, name="Webinars", slug=f"webinars-{next(_slugs)}", booking=booking
    )
    for position, resource in enumerate(resources):
        project.project_resources.create(account=resource, position=position)
    return project


def class_body(resource, *, start=START, max_seats=20, **extra) -> dict:
    return {
        "resource_id": resource.sub,
        "graph": "group_owner",
        "settings": {"max_seats": max_seats},
        "start": iso(start),
        "end": iso(start + HOUR),
        "what": "Flux capacitance",
        "where": "https://join.example.test/x",
        "description": "Read the paper first",
        **extra,
    }


def seat_body(klass_id: str, *, name="Marty McFly", email="marty@example.test", **related):
    return {
        "graph": "group_customer",
        "related": {"owner_booking_id": klass_id, **related},
        "customer": {"name": name, "email": email},
    }


def created(v2, body: dict, path: str = "/v2/bookings") -> dict:
    response = v2.v2("POST", path, body)
    assert response.status_code == 201, response.json()
    return response.json()["data"]
