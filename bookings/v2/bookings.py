"""/v2/bookings (reference 1.2/1.3, seed 004): create a booking of any graph, read and search
them, apply actions, reschedule, delete final ones. An application sees only its own: another
application's booking is a 404, as a missing one is; ids in a body that name nothing of the
caller's (a resource, a project, a class) are a 422 on their field.

Creating dispatches on the graph, after a `project_id`'s booking settings have filled the
request's gaps (bookings/v2/bookings_input.py):
- `group_owner`: a class, bookings/services/group_bookings.class_create;
- `group_customer`: a seat in `related.owner_booking_id`, group_bookings.seat_create;
- `instant` / `confirm_decline`: bookings/services/one_to_one.booking_create.
Actions of every graph go through group_bookings.booking_action (the graph's state machine).
"""

from functools import partial

from django.utils import timezone
from drf_spectacular.utils import extend_schema

from bookings.engine import graphs
from bookings.models import Booking, Project
from bookings.selectors.booking_lists import bookings_search, project_class_open
from bookings.selectors.timekit import (
    access_booking,
    access_project,
    access_resource,
    class_summary,
)
from bookings.services.deletion import booking_delete
from bookings.services.group_bookings import booking_action, class_create, seat_create
from bookings.services.one_to_one import booking_create, booking_reschedule
from bookings.v2 import bookings_schema as schema
from bookings.v2.availability import project_slot_offered
from bookings.v2.bookings_input import (
    BookingCreateSerializer,
    RescheduleSerializer,
    action_message,
    with_project_defaults,
)
from bookings.v2.params import includes_parse, search_parse
from bookings.v2.permissions import is_widget_caller, widget_project_required
from bookings.v2.present import INCLUDES, booking_data, booking_relations
from bookings.v2.views import V2View, data
from scheduling.api.links import absolute_url
from scheduling.api.params import query_params
from scheduling.errors import Forbidden, NotFound, ValidationFailed
from scheduling.models import Account, Application, Calendar
from scheduling.timezones import is_valid_tzid, zone

SEARCH = ["graph", "state", "project.id", "resource.id", "customer.email"]


def output_tz(request):
    """The zone of the caller's `Timekit-Timezone` header (UTC without one). Every view reads
    it before it answers, so a bad header is a 422 even when no time would be written."""
    name = request.headers.get("Timekit-Timezone")
    if name is None:
        return zone("UTC")
    if not is_valid_tzid(name):
        raise ValidationFailed.one("Timekit-Timezone", "invalid", "Not a known IANA time zone.")
    return zone(name)


def includes_of(request) -> frozenset[tuple[str, ...]]:
    params = query_params(request.query_params)
    return includes_parse(
        schema.checked_query(params, "include", schema.INCLUDE_PATTERN), allowed=INCLUDES
    )


def filters_of(request, fields: list[str]) -> dict[str, str]:
    params = query_params(request.query_params)
    raw = schema.checked_query(params, "search", schema.search_pattern(fields))
    return search_parse(raw, allowed=frozenset(fields))


def present(request, booking: Booking, includes) -> dict:
    link = partial(absolute_url, request)
    return booking_data(booking, includes=includes, tz=output_tz(request), link=link)


def reload(application: Application, booking: Booking, includes) -> Booking:
    """The booking again, with what its includes read (one query per relation, not per row);
    the one in hand when nothing is included (the native fields are all it shows)."""
    if not includes:
        return booking
    return booking_relations(
        Booking.objects.filter(application=application, pk=booking.pk), includes
    ).get()


def _referenced(field: str, lookup, **kwargs):
    """An object a body names by id, or a 422 on that field (not a 404: the path was found)."""
    try:
        return lookup(**kwargs)
    except NotFound as exc:
        raise ValidationFailed.one(field, "not_found", exc.description) from None


def _calendar(resource: Account, calendar_id: str | None) -> Calendar | None:
    if calendar_id is None:
        return None
    calendar = resource.calendars.filter(calendar_id=calendar_id, deleted=False).first()
    if calendar is None:
        raise ValidationFailed.one("calendar_id", "not_found", "Not a calendar of the resource.")
    return calendar


def _project(application: Application, body: dict) -> Project | None:
    project_id = body.get("project_id") if isinstance(body, dict) else None
    if not isinstance(project_id, str):
        return None  # absent, or the serializer names the wrong type
    return _referenced("project_id", access_project, application=application, project_id=project_id)


def _create_class(application: Application, fields: dict, project: Project | None) -> Booking:
    resource = _referenced(
        "resource_id", access_resource, application=application, resource_id=fields["resource_id"]
    )
    settings = fields["settings"]
    return class_create(
        application=application,
        account=resource,
        calendar=_calendar(resource, fields.get("calendar_id")),
        start=fields["start"],
        end=fields["end"],
        max_seats=settings["max_seats"],
        what=fields["what"],
        where=fields["where"],
        description=fields["description"],
        min_booking_time=settings.get("min_booking_time"),
        max_booking_time=settings.get("max_booking_time"),
        min_cancel_time=settings.get("min_cancel_time"),
        project=project,
        meta=fields.get("meta"),
    )


# The seat service names its fields as it sees them; the API's are under `related`.
SEAT_FIELDS = {"owner_booking_id": "related.owner_booking_id", "seats": "related.seats"}


def _create_seat(application: Application, fields: dict, project: Project | None) -> Booking:
    related, customer = fields["related"], fields["customer"]
    # What the checks below need of the class, in one narrow read (the seat service locks and
    # re-checks the class itself).
    klass = class_summary(application=application, booking_id=related["owner_booking_id"])
    if klass is None:
        raise ValidationFailed.one("related.owner_booking_id", "not_found", "Booking not found.")
    if klass.graph != graphs.GROUP_OWNER:
        raise ValidationFailed.one("related.owner_booking_id", "not_found", "Not a class.")
    if "resource_id" in fields and fields["resource_id"] != klass.resource_id:
        raise ValidationFailed.one(
            "resource_id", "not_the_class_resource", "The class is another resource's."
        )
    try:
        return seat_create(
            application=application,
            owner_booking_id=related["owner_booking_id"],
            customer_name=customer["name"],
            customer_email=customer["email"],
            # Without one, the customer is taken to be in the class's zone (times in mails).
            customer_timezone=customer.get("timezone") or klass.resource_tzid,
            customer_extra=customer["extra"],
            seats=related.get("seats") or fields.get("seats") or 1,
            project=project,
            meta=fields.get("meta"),
        )
    except ValidationFailed as exc:
        raise ValidationFailed(
            {SEAT_FIELDS.get(field, field): items for field, items in exc.errors.items()}
        ) from None


def _create_one_to_one(application: Application, fields: dict, project: Project | None):
    resource = _referenced(
        "resource_id", access_resource, application=application, resource_id=fields["resource_id"]
    )
    customer = fields["customer"]
    return booking_create(
        application=application,
        account=resource,
        graph=fields["graph"],
        start=fields["start"],
        end=fields["end"],
        what=fields["what"],
        where=fields["where"],
        description=fields["description"],
        customer={
            "name": customer["name"],
            "email": customer["email"],
            "timezone": customer.get("timezone", ""),
            **customer["extra"],
        },
        project=project,
        meta=fields.get("meta"),
        calendar=_calendar(resource, fields.get("calendar_id")),
    )


CREATORS = {
    graphs.GROUP_OWNER: _create_class,
    graphs.GROUP_CUSTOMER: _create_seat,
    graphs.INSTANT: _create_one_to_one,
    graphs.CONFIRM_DECLINE: _create_one_to_one,
}


class BookingsView(V2View):
    # booking.js posts its bookings here with the widget key (it may not list them).
    widget_access = frozenset({"POST"})

    @extend_schema(
        operation_id="v2_bookings_list",
        parameters=[schema.INCLUDE, schema.search(SEARCH), schema.TIMEZONE],
        responses=schema.BOOKINGS_DATA,
    )
    def get(self, request):
        application = request.user.application
        includes = includes_of(request)
        output_tz(request)
        bookings = _search(application, filters_of(request, SEARCH))
        if bookings is None:
            return data([])
        return data([present(request, b, includes) for b in booking_relations(bookings, includes)])

    @extend_schema(
        operation_id="v2_bookings_create",
        parameters=[schema.INCLUDE, schema.TIMEZONE],
        request=BookingCreateSerializer,
        responses={201: schema.BOOKING_DATA},
    )
    def post(self, request):
        application = request.user.application
        includes = includes_of(request)
        output_tz(request)  # a bad header is refused before anything is written
        widget = is_widget_caller(request)
        if widget:
            body = request.data if isinstance(request.data, dict) else {}
            project = widget_project_required(request, body.get("project_id"))
        else:
            project = _project(application, request.data)
        body = request.data
        if project is not None and isinstance(body, dict):
            # What the booking is: the request's, else the project's booking settings', else
            # the project's name as its page shows it (booking.js sends no `what` with one).
            named = {"what": (project.ui or {}).get("display_name") or project.name}
            body = with_project_defaults(body, {**named, **(project.booking or {})})
        fields = self.valid(BookingCreateSerializer, body)
        if widget:
            _widget_booking_check(application, project, fields, request)
        booking = CREATORS[fields["graph"]](application, fields, project)
        return data(present(request, reload(application, booking, includes), includes), status=201)


def _widget_booking_check(application, project: Project, fields: dict, request) -> None:
    """booking.js, with the public widget key, books what its project offers and nothing else:
    the project's graph (never a class), a slot its availability offers now (one-to-one), or a
    seat in one of its open classes."""
    graph = (project.booking or {}).get("graph") or graphs.INSTANT
    if fields["graph"] != graph or graph == graphs.GROUP_OWNER:
        raise Forbidden("The widget key books the project's graph only.")
    if graph == graphs.GROUP_CUSTOMER:
        owner_id = fields["related"]["owner_booking_id"]
        if not project_class_open(project=project, booking_id=owner_id, now=timezone.now()):
            raise ValidationFailed.one(
                "related.owner_booking_id", "not_offered", "Not an open class of the project."
            )
        return
    offered = project_slot_offered(
        project,
        start=fields["start"],
        resource_id=fields.get("resource_id", ""),
        tz=output_tz(request),
        now=timezone.now(),
    )
    if offered is None or offered.end != fields["end"]:
        raise ValidationFailed.one(
            "start", "not_available", "The project does not offer this time with this resource."
        )


def _search(application: Application, filters: dict[str, str]):
    """The bookings matching Timekit's search; None when an id names nothing of the caller's."""
    for field, known in (("graph", graphs.GRAPHS), ("state", graphs.ALL_STATES)):
        if field in filters and filters[field] not in known:
            raise ValidationFailed.one("search", "invalid", f"Unknown {field} {filters[field]!r}.")
    try:
        project = (
            access_project(application=application, project_id=filters["project.id"])
            if "project.id" in filters
            else None
        )
        resource = (
            access_resource(application=application, resource_id=filters["resource.id"])
            if "resource.id" in filters
            else None
        )
    except NotFound:
        return None
    return bookings_search(
        application=application,
        graph=filters.get("graph"),
        state=filters.get("state"),
        project=project,
        resource=resource,
        customer_email=filters.get("customer.email"),
    )


class BookingView(V2View):
    @extend_schema(
        operation_id="v2_booking_retrieve",
        parameters=[schema.INCLUDE, schema.TIMEZONE],
        responses=schema.BOOKING_DATA,
    )
    def get(self, request, booking_id: str):
        application = request.user.application
        includes = includes_of(request)
        booking = access_booking(application=application, booking_id=booking_id)
        return data(present(request, reload(application, booking, includes), includes))

    @extend_schema(
        operation_id="v2_booking_delete",
        description="Only a booking in a final state (and a class whose seats are all final).",
        responses={204: None},
    )
    def delete(self, request, booking_id: str):
        application = request.user.application
        booking = access_booking(application=application, booking_id=booking_id)
        booking_delete(application=application, booking_id=booking.booking_id)
        return data(None, status=204)


ACTION_DOC = (
    "Apply an action of the booking's graph (cancel, cancel_by_customer, cancel_by_owner, "
    "complete, confirm, decline, reschedule_by_customer). Options nest under the action's name. "
    "A class's cancel moves every confirmed seat to cancelled_by_owner. An action the state "
    "does not allow is a 422 naming the state and the allowed actions."
)


class BookingActionView(V2View):
    def act(self, request, booking_id: str, action: str):
        application = request.user.application
        includes = includes_of(request)
        output_tz(request)  # a bad header is refused before anything changes
        booking = access_booking(application=application, booking_id=booking_id)
        message = action_message(request.data, action)
        booking = booking_action(
            application=application,
            booking_id=booking.booking_id,
            action=action,
            message=message,
        )
        return data(present(request, reload(application, booking, includes), includes))

    @extend_schema(
        operation_id="v2_booking_action",
        description=ACTION_DOC,
        parameters=[schema.INCLUDE, schema.TIMEZONE],
        request=schema.ActionBodySerializer,
        responses=schema.BOOKING_DATA,
    )
    def put(self, request, booking_id: str, action: str):
        return self.act(request, booking_id, action)

    @extend_schema(
        operation_id="v2_booking_action_post",
        description="The same as PUT (some of Timekit's docs show POST).",
        parameters=[schema.INCLUDE, schema.TIMEZONE],
        request=schema.ActionBodySerializer,
        responses=schema.BOOKING_DATA,
    )
    def post(self, request, booking_id: str, action: str):
        return self.act(request, booking_id, action)


class BookingRescheduleView(V2View):
    @extend_schema(
        operation_id="v2_booking_reschedule",
        description=(
            "Move a one-to-one booking: a new booking at the new time (answered), the old one "
            "moved to rescheduled_by_customer."
        ),
        parameters=[schema.INCLUDE, schema.TIMEZONE],
        request=RescheduleSerializer,
        responses={201: schema.BOOKING_DATA},
    )
    def post(self, request, booking_id: str):
        application = request.user.application
        includes = includes_of(request)
        output_tz(request)  # a bad header is refused before anything changes
        booking = access_booking(application=application, booking_id=booking_id)
        fields = self.valid(RescheduleSerializer, request.data)
        resource = None
        if "resource_id" in fields:
            resource = _referenced(
                "resource_id",
                access_resource,
                application=application,
                resource_id=fields["resource_id"],
            )
        new = booking_reschedule(
            application=application,
            booking_id=booking.booking_id,
            start=fields["start"],
            end=fields["end"],
            account=resource,
            message=fields["message"],
            now=timezone.now(),
        )
        return data(present(request, reload(application, new, includes), includes), status=201)
