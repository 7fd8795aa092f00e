"""Reads for the public class pages: a resource's upcoming classes and one class of it. Resource
subs and class ids are public (they are in the pages' addresses); only RESOURCE accounts and
only their own group_owner bookings are shown, anything else is "not found"."""

import datetime as dt
import uuid

from django.db.models import QuerySet

from bookings.engine import graphs
from bookings.models import Booking, Project
from scheduling.errors import NotFound
from scheduling.models import Account


def public_resource(*, sub: str) -> Account:
    resource = Account.objects.filter(sub=sub, kind=Account.Kind.RESOURCE).first()
    if resource is None:
        raise NotFound("Resource not found.")
    return resource


def upcoming_classes(*, resource: Account, now: dt.datetime) -> QuerySet[Booking]:
    """The resource's classes still open (tentative, not started), soonest first."""
    return Booking.objects.filter(
        account=resource, graph=graphs.GROUP_OWNER, state=graphs.TENTATIVE, start__gt=now
    ).order_by("start", "id")


def public_class(*, resource: Account, booking_id: uuid.UUID | str) -> Booking:
    found = Booking.objects.filter(
        account=resource, graph=graphs.GROUP_OWNER, booking_id=booking_id
    ).first()
    if found is None:
        raise NotFound("Class not found.")
    found.account = resource
    return found


def action_booking(*, booking_id: str) -> Booking:
    """The booking a signed action link names, with what its page shows."""
    try:
        key = uuid.UUID(booking_id)
    except ValueError:
        raise NotFound("Booking not found.") from None
    found = (
        Booking.objects.select_related("account", "owner_booking", "application")
        .filter(booking_id=key)
        .first()
    )
    if found is None:
        raise NotFound("Booking not found.")
    return found


def public_project(*, slug: str) -> Project:
    """A project by its public slug (unique across the platform), for its booking page."""
    found = Project.objects.select_related("application").filter(slug=slug).first()
    if found is None or not found.application.is_active:
        raise NotFound("Project not found.")
    return found


def booking_for_cancel_link(*, token: str, **narrowed) -> Booking | None:
    """The booking a customer's signed cancel link names (the done pages show it), narrowed by
    `narrowed` (e.g. seats only); None for a bad token or another action's."""
    from bookings.action_links import action_token_read

    link = action_token_read(token)
    if link is None or link.action != "cancel_by_customer":
        return None
    try:
        key = uuid.UUID(link.booking_id)
    except ValueError:
        return None
    return (
        Booking.objects.select_related("account", "owner_booking", "project")
        .filter(booking_id=key, **narrowed)
        .first()
    )
