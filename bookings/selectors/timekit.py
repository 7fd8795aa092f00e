"""Reads of the Timekit side: an application's resources, projects and bookings. Every /v2 view,
page and service fetches them through these, so one application never sees another's."""

import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from bookings.models import Booking, Project, ProjectResource, WidgetKey
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


def widget_key_lookup(*, raw: str) -> WidgetKey | None:
    """The widget key `raw` of an active application (its application loaded), else None."""
    if not raw:
        return None
    key = WidgetKey.objects.select_related("application").filter(key=raw).first()
    if key is None or not key.application.is_active:
        return None
    return key


def projects_with_resources(*, application: Application) -> QuerySet[Project]:
    """The application's projects, each with its resource list loaded in order
    (`project.project_resources.all()`, accounts joined): two queries for any number."""
    ordered = ProjectResource.objects.select_related("account").order_by("position", "id")
    return projects_of(application=application).prefetch_related(
        Prefetch("project_resources", queryset=ordered)
    )


def access_project_by_slug(*, application: Application, slug: str) -> Project:
    project = projects_with_resources(application=application).filter(slug=slug).first()
    if project is None:
        raise NotFound("Project not found.")
    return project


def project_resources(*, project: Project) -> list[Account]:
    """A project's resources, in their order."""
    return [
        link.account
        for link in ProjectResource.objects.filter(project=project)
        .select_related("account", "account__timekit_settings")
        .order_by("position", "id")
    ]


@dataclass(frozen=True, slots=True)
class ClassSummary:
    graph: str
    resource_id: str
    resource_tzid: str


def class_summary(*, application: Application, booking_id: object) -> ClassSummary | None:
    """The graph and resource of the application's booking `booking_id` (None when it has no
    such booking): what a seat request checks before the seat service locks the class."""
    key = _uuid(booking_id)
    found = (
        key
        and (
            Booking.objects.filter(application=application, booking_id=key)
            .order_by()
            .values_list("graph", "account__sub", "account__default_tzid")[:1]
        )
    )
    return ClassSummary(*found[0]) if found else None
