"""Reads of the Timekit side: an application's resources, projects and bookings. Every /v2 view,
page and service fetches them through these, so one application never sees another's."""

import uuid

from django.db.models import QuerySet

from bookings.models import Booking, Project
from scheduling.errors import NotFound
from scheduling.models import Account, Application


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def resources_of(*, application: Application) -> QuerySet[Account]:
    return Account.objects.filter(application=application, kind=Account.Kind.RESOURCE)


def access_resource(*, application: Application, resource_id: str) -> Account:
    resource = resources_of(application=application).filter(sub=resource_id).first()
    if resource is None:
        raise NotFound("Resource not found.")
    return resource


def projects_of(*, application: Application) -> QuerySet[Project]:
    return Project.objects.filter(application=application)


def access_project(*, application: Application, project_id: object) -> Project:
    key = _uuid(project_id)
    project = key and projects_of(application=application).filter(project_id=key).first()
    if not project:
        raise NotFound("Project not found.")
    return project


def bookings_of(*, application: Application) -> QuerySet[Booking]:
    return Booking.objects.filter(application=application).select_related(
        "account", "calendar", "project", "owner_booking"
    )


def access_booking(*, application: Application, booking_id: object) -> Booking:
    key = _uuid(booking_id)
    booking = key and bookings_of(application=application).filter(booking_id=key).first()
    if not booking:
        raise NotFound("Booking not found.")
    return booking
