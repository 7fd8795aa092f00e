"""The public class pages (no login): GET /classes/{resource sub} lists a resource's upcoming
classes with their seats left; GET /classes/{sub}/{class id} shows one, and its POST takes seats
through seat_create, the service the API uses (locked, re-checked: never oversold); when the
class is full the page offers its waitlist instead (POST .../waitlist). A taken seat ends on
GET /classes/seats/{token}; a waitlist offer is claimed on /classes/waitlist/{token}.

Times are shown in the visitor's zone, detected and changeable as on the scheduling links
(bookings/pages/zones.py; the choice is remembered for /classes/ only). Bad input gets the form
again with its errors (400) and changes nothing; a refusal by a service (full meanwhile, closed)
the page again with the service's reason (409).

Subs and class ids are public; a seat's token (signed, bookings/action_links.py) is what lets
its holder see and cancel it, a claim token (bookings/services/waitlist.py) what lets a
waitlisted visitor take an offered seat.
"""

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.action_links import action_token
from bookings.engine.seats import seat_request_problem, seats_left
from bookings.models import Booking, WaitlistEntry
from bookings.pages.class_forms import SeatForm, WaitlistForm
from bookings.pages.display import day_label, span_text
from bookings.pages.zones import VisitorZone, asked_zone, remember_zone, visitor_zone
from bookings.pages.zones import zone_options as zone_choices
from bookings.selectors.classes import (
    booking_for_cancel_link,
    public_class,
    public_resource,
    upcoming_classes,
)
from bookings.services.group_bookings import class_seats, seat_create
from bookings.services.waitlist import waitlist_claim, waitlist_claim_token_read, waitlist_join
from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import Account
from scheduling.pages.forms import form_errors
from scheduling.timezones import is_valid_tzid, zone

REFUSED = 409
CLASSES = "/classes/"  # the zone cookie's path
CANCEL = "cancel_by_customer"


@dataclass(frozen=True)
class ClassView:
    what: str
    where: str
    day: str
    when: str
    spoken: str
    seats_left: int
    max_seats: int
    url: str


def class_view(klass: Booking, tzid: str, url: str) -> ClassView:
    local = klass.start.astimezone(zone(tzid))
    when = span_text(klass.start, klass.end, tzid, local.date())
    return ClassView(
        what=klass.what or "Class",
        where=klass.where,
        day=day_label(local),
        when=when,
        spoken=f"{klass.what or 'Class'}, {day_label(local)}, {when}",
        seats_left=seats_left(class_seats(klass)),
        max_seats=klass.max_seats or 0,
        url=url,
    )


def not_found(request: HttpRequest, what: str = "class") -> HttpResponse:
    context = {
        "title": f"This {what} is not available",
        "text": "Please check that you have the whole link.",
    }
    return render(request, "bookings/unavailable.html", context, status=404)


def _visitor(request: HttpRequest, default: str) -> VisitorZone:
    data = request.POST if request.method == "POST" else request.GET
    return visitor_zone(request, asked=asked_zone(data), default=default)


@never_cache
@require_GET
def class_list(request: HttpRequest, sub: str) -> HttpResponse:
    try:
        resource = public_resource(sub=sub)
    except NotFound:
        return not_found(request, "page")
    visitor = _visitor(request, resource.default_tzid)
    now = timezone.now()
    classes = [
        class_view(klass, visitor.tzid, reverse("class-page", args=[sub, klass.booking_id]))
        for klass in upcoming_classes(resource=resource, now=now)
    ]
    context = {
        "resource": resource,
        "classes": classes,
        "visitor": visitor,
        "zone_options": zone_choices(visitor.tzid),
        "picker_url": request.path,
    }
    response = render(request, "bookings/classes/list.html", context)
    remember_zone(response, visitor, request, path=CLASSES)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def class_page(request: HttpRequest, sub: str, booking_id: uuid.UUID) -> HttpResponse:
    try:
        resource = public_resource(sub=sub)
        klass = public_class(resource=resource, booking_id=booking_id)
    except NotFound:
        return not_found(request)
    visitor = _visitor(request, resource.default_tzid)
    if request.method == "GET":
        return _class_page(request, resource, klass, visitor)
    form = SeatForm(request.POST)
    if not form.is_valid():
        return _class_page(request, resource, klass, visitor, seat_form=form, status=400)
    data = form.cleaned_data
    try:
        seat = seat_create(
            application=klass.application,
            owner_booking_id=klass.booking_id,
            customer_name=data["name"],
            customer_email=data["email"],
            customer_timezone=data["tz"] or visitor.tzid,
            seats=data["seats"],
        )
    except ValidationFailed as exc:
        _add_errors(form, exc)
        klass.refresh_from_db()
        return _class_page(request, resource, klass, visitor, seat_form=form, status=REFUSED)
    token = action_token(booking_id=seat.booking_id, action=CANCEL)
    response = redirect(f"{reverse('class-seat', args=[token])}?tz={visitor.tzid}")
    remember_zone(response, visitor, request, path=CLASSES)
    return response


@never_cache
@require_POST
def class_waitlist(request: HttpRequest, sub: str, booking_id: uuid.UUID) -> HttpResponse:
    try:
        resource = public_resource(sub=sub)
        klass = public_class(resource=resource, booking_id=booking_id)
    except NotFound:
        return not_found(request)
    visitor = _visitor(request, resource.default_tzid)
    form = WaitlistForm(request.POST)
    if not form.is_valid():
        return _class_page(request, resource, klass, visitor, waitlist_form=form, status=400)
    data = form.cleaned_data
    try:
        entry = waitlist_join(
            owner_booking=klass,
            name=data["name"],
            email=data["email"],
            timezone=data["tz"] or visitor.tzid,
        )
    except ValidationFailed as exc:
        _add_errors(form, exc)
        return _class_page(request, resource, klass, visitor, waitlist_form=form, status=REFUSED)
    ahead = WaitlistEntry.objects.filter(
        owner_booking=klass, state=WaitlistEntry.State.WAITING, created_at__lt=entry.created_at
    ).count()
    messages.success(
        request,
        f"You are on the waitlist, number {ahead + 1} in line. When a seat is freed we will "
        f"mail {entry.email} a link to take it.",
    )
    return redirect(f"{reverse('class-page', args=[sub, klass.booking_id])}?tz={visitor.tzid}")


def _class_page(
    request: HttpRequest,
    resource: Account,
    klass: Booking,
    visitor: VisitorZone,
    *,
    seat_form: SeatForm | None = None,
    waitlist_form: WaitlistForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    problem = seat_request_problem(class_seats(klass), seats=1, now=now)
    full = problem is not None and problem.code == "class_full"
    initial = {"tz": visitor.tzid}
    context = {
        "resource": resource,
        "klass": class_view(klass, visitor.tzid, request.path),
        "open": problem is None,
        "full": full,
        "closed": problem.description if problem and not full else "",
        "seat_form": seat_form or SeatForm(initial=initial | {"seats": 1}),
        "waitlist_form": waitlist_form or WaitlistForm(initial=initial),
        "visitor": visitor,
        "zone_options": zone_choices(visitor.tzid),
        "picker_url": request.path,
        "list_url": reverse("class-list", args=[resource.sub]),
        "waitlist_url": reverse("class-waitlist", args=[resource.sub, klass.booking_id]),
    }
    response = render(request, "bookings/classes/class.html", context, status=status)
    remember_zone(response, visitor, request, path=CLASSES)
    return response


def _add_errors(form, exc: ValidationFailed) -> None:
    for field, error in form_errors(exc):
        form.add_error(field if field in form.fields else None, error)


@never_cache
@require_GET
def seat_done(request: HttpRequest, token: str) -> HttpResponse:
    """The seat just taken (or claimed), with its cancel link."""
    seat = booking_for_cancel_link(token=token, owner_booking__isnull=False)
    if seat is None:
        return not_found(request, "seat")
    visitor = _visitor(request, _zone_or(seat.customer_timezone, seat.account.default_tzid))
    context = {
        "seat": seat,
        "state": seat.state.replace("_", " "),
        "klass": class_view(seat.owner_booking, visitor.tzid, ""),
        "visitor": visitor,
        "cancel_url": reverse("booking-action", args=[token]),
        "list_url": reverse("class-list", args=[seat.account.sub]),
    }
    return render(request, "bookings/classes/seat.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_claim_page(request: HttpRequest, token: str) -> HttpResponse:
    """A waitlist offer: GET shows it, POST takes the seat if it is still free."""
    entry_id = waitlist_claim_token_read(token)
    entry = entry_id and (
        WaitlistEntry.objects.select_related("owner_booking__account")
        .filter(entry_id=uuid_or_none(entry_id))
        .first()
    )
    if not entry:
        return not_found(request, "offer")
    problem, status = "", 200
    if request.method == "POST":
        try:
            seat = waitlist_claim(entry_id=entry.entry_id)
        except ValidationFailed as exc:
            problem, status = form_errors(exc)[0][1].message, REFUSED
            entry.refresh_from_db()
        else:
            return redirect(
                "class-seat", token=action_token(booking_id=seat.booking_id, action=CANCEL)
            )
    klass = entry.owner_booking
    visitor = _visitor(request, _zone_or(entry.timezone, klass.account.default_tzid))
    expires = entry.offer_expires_at and entry.offer_expires_at.astimezone(zone(visitor.tzid))
    context = {
        "entry": entry,
        "klass": class_view(klass, visitor.tzid, ""),
        "visitor": visitor,
        "offered": entry.state == WaitlistEntry.State.OFFERED
        and entry.offer_expires_at > timezone.now(),
        "expires": expires and f"{day_label(expires)}, {expires:%H:%M}",
        "problem": problem,
        "seat_url": entry.seat
        and reverse(
            "class-seat", args=[action_token(booking_id=entry.seat.booking_id, action=CANCEL)]
        ),
    }
    return render(request, "bookings/classes/claim.html", context, status=status)


def _zone_or(tzid: str, default: str) -> str:
    return tzid if is_valid_tzid(tzid) else default


def uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
