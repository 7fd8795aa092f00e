"""Reads behind /v2/bookings: an application's bookings filtered by Timekit's `?search=` fields,
its classes (and those booking.js may offer), and the booking a signed action link names."""

import datetime as dt
import uuid
from collections.abc import Callable

from django.db.models import F, Q, QuerySet

from bookings.engine import graphs
from bookings.engine.seats import ClassSeats, seat_request_problem
from bookings.models import Booking, Project
from bookings.selectors.timekit import bookings_of
from scheduling.errors import NotFound
from scheduling.models import Account, Application


def bookings_search(
    *,
    application: Application,
    graph: str | None = None,
    state: str | None = None,
    project: Project | None = None,
    resource: Account | None = None,
    customer_email: str | None = None,
) -> QuerySet[Booking]:
    bookings = bookings_of(application=application)
    if graph:
        bookings = bookings.filter(graph=graph)
    if state:
        bookings = bookings.filter(state=state)
    if project is not None:
        bookings = bookings.filter(project=project)
    if resource is not None:
        bookings = bookings.filter(account=resource)
    if customer_email:
        bookings = bookings.filter(customer_email__iexact=customer_email)
    return bookings


def classes_of(*, application: Application, resource: Account | None = None) -> QuerySet[Booking]:
    classes = bookings_of(application=application).filter(graph=graphs.GROUP_OWNER)
    if resource is not None:
        classes = classes.filter(account=resource)
    return classes


def classes_bookable(
    *,
    application: Application,
    project: Project,
    now: dt.datetime,
    resource: Account | None = None,
    relations: Callable[[QuerySet[Booking]], QuerySet[Booking]] = lambda classes: classes,
) -> list[Booking]:
    """The project's classes a visitor can take a seat in now (booking.js lists these and has no
    seat logic of its own): open, not started, with a seat left and inside their booking window.
    A project's classes are those made through it, and those of its resources made through no
    project. The window is the seat rule itself (bookings/engine/seats.py), applied to the rows
    the database has already narrowed down. `relations` loads what the caller reads of them."""
    mine = Q(project=project) | Q(project__isnull=True, account__in=project.resources.all())
    candidates = classes_of(application=application, resource=resource).filter(
        mine,
        state=graphs.TENTATIVE,
        start__gt=now,
        taken_seats__lt=F("max_seats"),
    )
    return [klass for klass in relations(candidates) if _bookable(klass, now)]


def project_class_open(*, project: Project, booking_id: object, now: dt.datetime) -> bool:
    """Whether `booking_id` is one of the classes classes_bookable lists for `project` now."""
    try:
        key = uuid.UUID(str(booking_id))
    except ValueError:
        return False
    found = classes_bookable(
        application=project.application,
        project=project,
        now=now,
        relations=lambda classes: classes.filter(booking_id=key),
    )
    return bool(found)


def _bookable(klass: Booking, now: dt.datetime) -> bool:
    seats = ClassSeats(
        start=klass.start,
        state=klass.state,
        max_seats=klass.max_seats or 0,
        taken_seats=klass.taken_seats,
        min_booking_time=klass.min_booking_time,
        max_booking_time=klass.max_booking_time,
    )
    return seat_request_problem(seats, seats=1, now=now) is None


def booking_for_action_link(*, booking_id: str) -> Booking:
    """The booking a verified action link names, whatever its application: the signature is the
    caller's only credential, and it was made for this booking alone."""
    try:
        key = uuid.UUID(booking_id)
    except ValueError:
        raise NotFound("Booking not found.") from None
    booking = Booking.objects.select_related("application").filter(booking_id=key).first()
    if booking is None:
        raise NotFound("Booking not found.")
    return booking
