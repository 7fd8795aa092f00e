"""A project's public booking page (Timekit's hosted page, book.timekit.io/{slug}), no login:

- GET /book/{slug}: the times the project offers now, computed live by the same code as
  POST /v2/availability with its project_id, grouped by day in the visitor's zone (detected and
  changeable as on the other booking pages; remembered for /book/). A project of classes
  (booking graph group_customer) lists its open classes instead, each linking to its class page.
- GET /book/{slug}/confirm?start=&resource=: the picked time and the customer's form; its POST
  re-checks that the project still offers that time with that resource (alignment, window,
  constraints, buffer) and books through booking_create, the service the API calls (locked,
  re-checked again there: never double-booked). Bad input is the form again (400); a time taken
  meanwhile is the page with the reason and a way back (409). Then
- GET /book/done/{token}: the booking with its state (a confirm_decline request waits for the
  owner, who gets a mail with confirm and decline links) and the customer's cancel link.
"""

from itertools import groupby

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bookings.action_links import action_token
from bookings.availability import availability_slots
from bookings.engine import graphs
from bookings.models import Booking, Project
from bookings.pages.classes import class_view, not_found
from bookings.pages.display import day_label, span_text
from bookings.pages.forms import TzidFormField
from bookings.pages.zones import VisitorZone, asked_zone, remember_zone, visitor_zone, zone_options
from bookings.selectors.booking_lists import classes_bookable
from bookings.selectors.classes import booking_for_cancel_link, public_project
from bookings.services.one_to_one import booking_create
from bookings.v2.availability import project_availability_request, project_slot_offered
from scheduling.errors import NotFound, ValidationFailed
from scheduling.pages.forms import form_errors
from scheduling.timeformat import TimeFormatError, parse_time
from scheduling.timezones import zone

BOOK = "/book/"  # the zone cookie's path
REFUSED = 409
CANCEL = "cancel_by_customer"
CLASS_GRAPHS = (graphs.GROUP_CUSTOMER, graphs.GROUP_OWNER)


class BookingForm(forms.Form):
    """The customer's part; the time comes from the page's query and is re-checked."""

    name = forms.CharField(max_length=255)
    email = forms.EmailField(max_length=255)
    comment = forms.CharField(max_length=2000, required=False, widget=forms.Textarea)
    tz = TzidFormField(required=False)


def _graph(project: Project) -> str:
    return (project.booking or {}).get("graph") or graphs.INSTANT


def _title(project: Project) -> str:
    return (project.ui or {}).get("display_name") or project.name


def _visitor(request: HttpRequest, project: Project) -> VisitorZone:
    first = project.project_resources.select_related("account").first()
    default = first.account.default_tzid if first else "Etc/UTC"
    data = request.POST if request.method == "POST" else request.GET
    return visitor_zone(request, asked=asked_zone(data), default=default)


@never_cache
@require_GET
def project_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        project = public_project(slug=slug)
    except NotFound:
        return not_found(request, "page")
    visitor = _visitor(request, project)
    now = timezone.now()
    context = {
        "project": project,
        "title": _title(project),
        "visitor": visitor,
        "zone_options": zone_options(visitor.tzid),
        "picker_url": request.path,
    }
    if _graph(project) in CLASS_GRAPHS:
        context["classes"] = [
            class_view(
                klass,
                visitor.tzid,
                reverse("class-page", args=[klass.account.sub, klass.booking_id]),
            )
            for klass in classes_bookable(
                application=project.application,
                project=project,
                now=now,
                relations=lambda found: found.select_related("account"),
            )
        ]
    else:
        try:
            request_ = project_availability_request(project, now=now, tz=zone(visitor.tzid))
            slots = availability_slots(application=project.application, request=request_, now=now)
        except ValidationFailed:
            slots = []  # a project without resources offers nothing
        context["days"] = _days(slug, slots, visitor.tzid)
    response = render(request, "bookings/projects/page.html", context)
    remember_zone(response, visitor, request, path=BOOK)
    return response


def _class_url(klass: Booking) -> str:
    return reverse("class-page", args=[klass.account.sub, klass.booking_id])


def _days(slug: str, slots, tzid: str) -> list[tuple[str, list[dict]]]:
    confirm = reverse("project-confirm", args=[slug])
    local = zone(tzid)
    rows = [
        {
            "day": day_label(slot.start.astimezone(local)),
            "when": span_text(slot.start, slot.end, tzid, slot.start.astimezone(local).date()),
            "with": ", ".join(account.name for account in slot.resources[:1]),
            "url": confirm
            + "?"
            + urlencode(
                {"start": slot.start.isoformat(), "resource": slot.resources[0].sub, "tz": tzid}
            ),
        }
        for slot in slots
        if slot.resources
    ]
    return [(day, list(items)) for day, items in groupby(rows, key=lambda row: row["day"])]


@never_cache
@require_http_methods(["GET", "POST"])
def project_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        project = public_project(slug=slug)
    except NotFound:
        return not_found(request, "page")
    if _graph(project) in CLASS_GRAPHS:
        return redirect("project-page", slug=slug)
    visitor = _visitor(request, project)
    now = timezone.now()
    slot = _offered(project, request.GET.get("start"), request.GET.get("resource"), visitor, now)
    if slot is None:
        return _confirm_page(request, project, visitor, None, BookingForm(), status=REFUSED)
    if request.method == "GET":
        return _confirm_page(request, project, visitor, slot, BookingForm())
    form = BookingForm(request.POST)
    if not form.is_valid():
        return _confirm_page(request, project, visitor, slot, form, status=400)
    data = form.cleaned_data
    extra = {"comment": data["comment"]} if data["comment"] else {}
    try:
        booking = booking_create(
            application=project.application,
            account=slot.account,
            graph=_graph(project),
            start=slot.start,
            end=slot.end,
            what=_title(project),
            description=data["comment"],
            customer={
                "name": data["name"],
                "email": data["email"],
                "timezone": data["tz"] or visitor.tzid,
                **extra,
            },
            project=project,
            now=now,
        )
    except ValidationFailed as exc:
        for _field, error in form_errors(exc):
            form.add_error(None, error)
        return _confirm_page(request, project, visitor, None, form, status=REFUSED)
    token = action_token(booking_id=booking.booking_id, action=CANCEL)
    return redirect(f"{reverse('project-done', args=[token])}?tz={visitor.tzid}")


def _offered(project: Project, start: str | None, sub: str | None, visitor, now):
    try:
        start_at = parse_time(start or "")
    except TimeFormatError:
        return None
    return project_slot_offered(
        project, start=start_at, resource_id=sub or "", tz=zone(visitor.tzid), now=now
    )


def _confirm_page(request, project, visitor, slot, form, *, status: int = 200) -> HttpResponse:
    tzid = visitor.tzid
    context = {
        "project": project,
        "title": _title(project),
        "visitor": visitor,
        "form": form,
        "slot": slot
        and {
            "day": day_label(slot.start.astimezone(zone(tzid))),
            "when": span_text(slot.start, slot.end, tzid, slot.start.astimezone(zone(tzid)).date()),
            "with": slot.account.name,
        },
        "back_url": f"{reverse('project-page', args=[project.slug])}?tz={tzid}",
        "tentative": _graph(project) == graphs.CONFIRM_DECLINE,
    }
    return render(request, "bookings/projects/confirm.html", context, status=status)


@never_cache
@require_GET
def project_done(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_cancel_link(token=token, project__isnull=False)
    if booking is None:
        return not_found(request, "booking")
    tzid = asked_zone(request.GET) or booking.customer_timezone or booking.account.default_tzid
    local = booking.start.astimezone(zone(tzid))
    context = {
        "booking": booking,
        "title": _title(booking.project),
        "day": day_label(local),
        "when": span_text(booking.start, booking.end, tzid, local.date()),
        "tzid": tzid,
        "state": booking.state.replace("_", " "),
        "tentative": booking.state == graphs.TENTATIVE,
        "cancel_url": reverse("booking-action", args=[token]),
    }
    return render(request, "bookings/projects/done.html", context)
