"""Every /v2 route (config/urls.py mounts them under /v2/). Each path answers with and without a
trailing slash (Timekit's clients send both), so Django's APPEND_SLASH never redirects — a
redirected POST would lose its body."""

from django.urls import URLPattern, path

import scheduling.api.urls  # noqa: F401  (registers the "id" path converter)
from bookings.v2.availability import AvailabilityView
from bookings.v2.bookings import (
    BookingActionView,
    BookingRescheduleView,
    BookingsView,
    BookingView,
)
from bookings.v2.bookings_groups import GroupsView, GroupView
from bookings.v2.bookings_links import ExternalActionView
from bookings.v2.projects import (
    ProjectEmbedView,
    ProjectHostedView,
    ProjectResourcesView,
    ProjectResourceView,
    ProjectsView,
    ProjectView,
)
from bookings.v2.resources import ResourcesView, ResourceView
from bookings.v2.views import V2View


def both(route: str, view: type[V2View], name: str) -> list[URLPattern]:
    """`route` and `route/`; the schema describes the first only (one operation each)."""
    return [
        path(route, view.as_view(), name=name),
        path(f"{route}/", view.as_view(schema=None), name=f"{name}-slash"),
    ]


v2_urlpatterns = [
    *both("resources", ResourcesView, "v2-resources"),
    *both("resources/<id:resource_id>", ResourceView, "v2-resource"),
    *both("availability", AvailabilityView, "v2-availability"),
    # Projects: embed/ and hosted/ first, so that no project id is read as "embed".
    *both("projects/embed/<id:project_id>", ProjectEmbedView, "v2-project-embed"),
    *both("projects/hosted/<slug:slug>", ProjectHostedView, "v2-project-hosted"),
    *both("projects", ProjectsView, "v2-projects"),
    *both("projects/<id:project_id>", ProjectView, "v2-project"),
    *both("projects/<id:project_id>/resources", ProjectResourcesView, "v2-project-resources"),
    *both(
        "projects/<id:project_id>/resources/<id:resource_id>",
        ProjectResourceView,
        "v2-project-resource",
    ),
    # Bookings: the fixed words (groups, reschedule, external_action) before the catch-alls.
    *both("bookings", BookingsView, "v2-bookings"),
    *both("bookings/groups", GroupsView, "v2-booking-groups"),
    *both("bookings/groups/<id:booking_id>", GroupView, "v2-booking-group"),
    *both("bookings/<id:booking_id>", BookingView, "v2-booking"),
    *both("bookings/<id:booking_id>/reschedule", BookingRescheduleView, "v2-booking-reschedule"),
    *both(
        "bookings/<id:booking_id>/external_action/<id:action>",
        ExternalActionView,
        "v2-booking-external-action",
    ),
    *both("bookings/<id:booking_id>/<id:action>", BookingActionView, "v2-booking-action"),
]
