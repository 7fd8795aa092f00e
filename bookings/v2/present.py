"""A booking in Timekit's shape (reference 1.3): the native fields `id, state, graph,
completed, created_at, updated_at`, and the relations a caller asks for with `?include=`
(bookings/v2/params.py).
One presenter for the API's reads and writes and for the webhook payload (bookings/webhooks.py).

Times are ISO 8601 with the offset of `tz` (Timekit answers in the caller's `Timekit-Timezone`).

Includes (INCLUDES): `attributes` (event_info, and group_booking {max_seats, current_seats} for a
class), `event`, `calendar`, `customers`, `resource`, `user` (booking.js asks for it: the resource
again), `available_actions`, `customer_action_links` ({action: signed url}), `meta`, `project`,
`owner_booking`, `related_bookings` (a class's seats) and `related_bookings.customers`.
"""

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from bookings.action_links import action_token
from bookings.engine import graphs
from bookings.models import Booking

UTC = ZoneInfo("UTC")
INCLUDES = frozenset(
    {"attributes", "event", "calendar", "customers", "resource", "user", "available_actions"}
    | {"customer_action_links", "meta", "project", "owner_booking", "related_bookings"}
    | {"related_bookings.customers"}
)


def iso(value: dt.datetime, tz: dt.tzinfo = UTC) -> str:
    """Whole seconds, as Timekit writes its times."""
    return value.astimezone(tz).replace(microsecond=0).isoformat()


def native(booking: Booking, tz: dt.tzinfo = UTC) -> dict:
    return {
        "id": str(booking.booking_id),
        "state": booking.state,
        "graph": booking.graph,
        "completed": graphs.is_final(booking.graph, booking.state),
        "created_at": iso(booking.created_at, tz),
        "updated_at": iso(booking.updated_at, tz),
    }


def customer(booking: Booking) -> dict:
    return {
        "id": str(booking.customer_id),
        "name": booking.customer_name,
        "email": booking.customer_email,
        "timezone": booking.customer_timezone,
        **booking.customer_extra,
    }


def event_info(booking: Booking, tz: dt.tzinfo = UTC) -> dict:
    return {
        "start": iso(booking.start, tz),
        "end": iso(booking.end, tz),
        "what": booking.what,
        "where": booking.where,
        "description": booking.description,
        "calendar_id": booking.calendar.calendar_id if booking.calendar else None,
    }


def attributes(booking: Booking, tz: dt.tzinfo = UTC) -> dict:
    attributes = {"event_info": event_info(booking, tz)}
    if booking.graph == graphs.GROUP_OWNER:
        attributes["group_booking"] = {
            "max_seats": booking.max_seats,
            "current_seats": booking.taken_seats,
        }
    return attributes


def resource(booking: Booking) -> dict:
    account = booking.account
    return {"id": account.sub, "name": account.name, "timezone": account.default_tzid}


def event(booking: Booking, tz: dt.tzinfo = UTC) -> dict:
    """The calendar event the booking holds; a seat shows its class's (it has none of its own)."""
    held = booking.event or (booking.owner_booking.event if booking.owner_booking else None)
    return {
        "id": held.event_uid if held else None,
        **event_info(booking, tz),
        "all_day": False,
    }


def calendar(booking: Booking) -> dict | None:
    if booking.calendar is None:
        return None
    return {"id": booking.calendar.calendar_id, "name": booking.calendar.name}


def project(booking: Booking) -> dict | None:
    if booking.project is None:
        return None
    return {
        "id": str(booking.project.project_id),
        "name": booking.project.name,
        "slug": booking.project.slug,
    }


def related_bookings(booking: Booking, tz: dt.tzinfo, *, with_customers: bool) -> list[dict]:
    """A class's seats (every state: the owner sees who cancelled too), oldest first. Read
    from the prefetched `seat_bookings` (booking_relations)."""
    if booking.graph != graphs.GROUP_OWNER:
        return []
    seats = []
    for seat in sorted(booking.seat_bookings.all(), key=lambda s: (s.created_at, s.pk)):
        item = native(seat, tz)
        if with_customers:
            item["customers"] = [customer(seat)]
        seats.append(item)
    return seats


# The actions a customer may take from a link (reference 1.3).
CUSTOMER_LINK_ACTIONS = ("cancel_by_customer", "reschedule_by_customer")


def customer_action_links(
    booking: Booking, *, link: Callable[[str], str], now: dt.datetime
) -> dict[str, str]:
    """Signed links for the customer actions the booking's state allows now: a seat's
    cancellation only until its class's `min_cancel_time`."""
    allowed = graphs.available_actions(booking.graph, booking.state)
    links = {}
    for action in CUSTOMER_LINK_ACTIONS:
        if action not in allowed or _cancel_closed(booking, action, now):
            continue
        token = action_token(booking_id=booking.booking_id, action=action)
        path = reverse("v2-booking-external-action", args=[str(booking.booking_id), action])
        links[action] = link(f"{path}?{urlencode({'signature': token})}")
    return links


def _cancel_closed(booking: Booking, action: str, now: dt.datetime) -> bool:
    owner = booking.owner_booking
    if action != "cancel_by_customer" or owner is None or owner.min_cancel_time is None:
        return False
    return now > owner.start - owner.min_cancel_time


def booking_relations(
    bookings: QuerySet[Booking], includes: frozenset[tuple[str, ...]]
) -> QuerySet[Booking]:
    """`bookings` with what booking_data reads for `includes` loaded up front, so a list costs
    the same few queries whatever its length."""
    bookings = bookings.select_related("account", "calendar", "project", "owner_booking")
    if ("event",) in includes:
        bookings = bookings.select_related("event", "owner_booking__event")
    if ("related_bookings",) in includes:
        bookings = bookings.prefetch_related("seat_bookings")
    return bookings


def booking_data(
    booking: Booking,
    *,
    includes: frozenset[tuple[str, ...]] = frozenset(),
    tz: dt.tzinfo = UTC,
    link: Callable[[str], str] = str,
    now: dt.datetime | None = None,
) -> dict:
    """`includes` as bookings/v2/params.includes_parse returns them. The caller loads the
    relations it includes (booking_relations). `link` makes a path absolute (the links of
    `customer_action_links`); `now` decides which of them are still open."""
    data = native(booking, tz)
    if ("attributes",) in includes:
        data["attributes"] = attributes(booking, tz)
    if ("event",) in includes:
        data["event"] = event(booking, tz)
    if ("calendar",) in includes:
        data["calendar"] = calendar(booking)
    if ("customers",) in includes and booking.graph != graphs.GROUP_OWNER:
        data["customers"] = [customer(booking)]
    if ("resource",) in includes:
        data["resource"] = resource(booking)
    if ("user",) in includes:
        data["user"] = resource(booking)
    if ("available_actions",) in includes:
        data["available_actions"] = list(graphs.available_actions(booking.graph, booking.state))
    if ("customer_action_links",) in includes:
        now = now or timezone.now()
        data["customer_action_links"] = customer_action_links(booking, link=link, now=now)
    if ("meta",) in includes:
        data["meta"] = booking.meta
    if ("project",) in includes:
        data["project"] = project(booking)
    if ("owner_booking",) in includes and booking.owner_booking_id:
        data["owner_booking"] = native(booking.owner_booking, tz)
    if ("related_bookings",) in includes:
        with_customers = ("related_bookings", "customers") in includes
        data["related_bookings"] = related_bookings(booking, tz, with_customers=with_customers)
    return data
