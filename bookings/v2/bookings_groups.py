"""/v2/bookings/groups: classes (group_owner bookings), each with `attributes.event_info`,
`attributes.group_booking {max_seats, current_seats}` and `resource {id, name, timezone}`, as
booking.js renders them in group mode instead of /availability (reference 1.2, seed 004 step 2).

`?search=project.id:<uuid>` is the widget's query, and the widget has no seat logic of its own:
it answers only the classes a visitor can take a seat in now (open, not started, a seat left,
inside the booking window; bookings/selectors/booking_lists.classes_bookable). Without it, every
class of the application is listed (`resource.id` narrows), whatever its state. Times are in the
`Timekit-Timezone` header's zone: the endpoint has no output_timezone parameter.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema

from bookings.engine import graphs
from bookings.selectors.booking_lists import classes_bookable, classes_of
from bookings.selectors.timekit import access_booking, access_project, access_resource
from bookings.v2 import bookings_schema as schema
from bookings.v2.bookings import filters_of, includes_of, output_tz, present
from bookings.v2.permissions import is_widget_caller, widget_project_required
from bookings.v2.present import booking_relations
from bookings.v2.views import V2View, data
from scheduling.errors import NotFound

SEARCH = ["project.id", "resource.id"]
# What booking.js reads of every class, included whatever `?include=` says.
ALWAYS = frozenset({("attributes",), ("resource",)})


class GroupsView(V2View):
    # booking.js lists a project's classes here with the widget key: that project's only.
    widget_access = True

    @extend_schema(
        operation_id="v2_booking_groups_list",
        parameters=[schema.INCLUDE, schema.search(SEARCH), schema.TIMEZONE],
        responses=schema.BOOKINGS_DATA,
    )
    def get(self, request):
        application = request.user.application
        includes = includes_of(request) | ALWAYS
        filters = filters_of(request, SEARCH)
        output_tz(request)
        if is_widget_caller(request):
            widget_project_required(request, filters.get("project.id"), field="search")
        try:
            project = filters.get("project.id") and access_project(
                application=application, project_id=filters["project.id"]
            )
            resource = filters.get("resource.id") and access_resource(
                application=application, resource_id=filters["resource.id"]
            )
        except NotFound:
            return data([])  # an id of nothing the caller has finds nothing
        if project:
            classes = classes_bookable(
                application=application,
                project=project,
                resource=resource or None,
                now=timezone.now(),
                relations=lambda found: booking_relations(found, includes),
            )
        else:
            found = classes_of(application=application, resource=resource or None)
            classes = booking_relations(found, includes)
        return data([present(request, klass, includes) for klass in classes])


class GroupView(V2View):
    @extend_schema(
        operation_id="v2_booking_group_retrieve",
        parameters=[schema.INCLUDE, schema.TIMEZONE],
        responses=schema.BOOKING_DATA,
    )
    def get(self, request, booking_id: str):
        application = request.user.application
        includes = includes_of(request) | ALWAYS
        booking = access_booking(application=application, booking_id=booking_id)
        if booking.graph != graphs.GROUP_OWNER:
            raise NotFound("Class not found.")
        found = booking_relations(classes_of(application=application), includes)
        return data(present(request, found.get(pk=booking.pk), includes))
