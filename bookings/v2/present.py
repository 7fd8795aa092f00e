"""A booking in Timekit's shape (reference 1.3): the native fields `id, state, graph,
completed, created_at, updated_at`, and the relations a caller asks for with `?include=`
(bookings/v2/params.py).
One presenter for the API's reads and writes and for the webhook payload (bookings/webhooks.py).

Times are ISO 8601 with the offset of `tz` (Timekit answers in the caller's `Timekit-Timezone`).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from bookings.engine import graphs
from bookings.models import Booking

UTC = ZoneInfo("UTC")


def iso(value: dt.datetime, tz: dt.tzinfo = UTC) -> str:
    return value.astimezone(tz).isoformat()


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


def booking_data(
    booking: Booking, *, includes: frozenset[tuple[str, ...]] = frozenset(), tz=UTC
) -> dict:
    """`includes` as bookings/v2/params.includes_parse returns them. The caller loads the
    relations it includes (select_related account, calendar, owner_booking, project)."""
    data = native(booking, tz)
    if ("attributes",) in includes:
        data["attributes"] = attributes(booking, tz)
    if ("customers",) in includes and booking.graph != graphs.GROUP_OWNER:
        data["customers"] = [customer(booking)]
    if ("resource",) in includes:
        data["resource"] = resource(booking)
    if ("available_actions",) in includes:
        data["available_actions"] = list(graphs.available_actions(booking.graph, booking.state))
    if ("meta",) in includes:
        data["meta"] = booking.meta
    if ("project",) in includes:
        data["project"] = {"id": str(booking.project.project_id)} if booking.project else None
    if ("owner_booking",) in includes and booking.owner_booking_id:
        data["owner_booking"] = native(booking.owner_booking, tz)
    return data
