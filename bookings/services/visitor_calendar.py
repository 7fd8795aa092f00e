""" "Add to my calendar": the visitor of a scheduling link, signed in here, puts what they booked
into their own calendar.

The write goes through the core's event write path (so sync and push notifications see it, with
a booking origin), keyed by an external id made of the request's public id: adding again writes
the same event(s) again, which changes nothing. The events are the visitor's own, not managed by
the integrator's application (which may have no grant from this person at all).
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from bookings.booked import booked_events
from bookings.models import SchedulingRequest
from bookings.selectors.scheduling_requests import visitor_calendar
from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import Event
from scheduling.services.events import calendar_event_write
from scheduling.signals import ChangeOrigin
from scheduling.timeformat import TimeValue


def visitor_event_key(scheduling_request: SchedulingRequest, key: str) -> str:
    suffix = f":{key}" if key else ""
    return f"booking:{scheduling_request.real_time_scheduling_id}{suffix}"


def visitor_calendar_add(
    *,
    scheduling_request: SchedulingRequest,
    user: AbstractBaseUser,
    now: dt.datetime | None = None,
) -> list[Event]:
    """Write the request's booked event(s) into `user`'s primary calendar; returns them.
    NotFound when the user has no (writable) calendar here; ValidationFailed before the request
    is booked. Idempotent."""
    now = now or timezone.now()
    if scheduling_request.status_at(now) != SchedulingRequest.Status.COMPLETED:
        raise ValidationFailed.one(
            "scheduling_request", "not_booked", "Nothing has been booked on this link yet."
        )
    calendar = visitor_calendar(user=user)
    if calendar is None:
        raise NotFound("You have no calendar here to add it to.")
    origin = ChangeOrigin.booking(
        application_id=scheduling_request.application_id,
        booking_id=scheduling_request.real_time_scheduling_id,
    )
    with transaction.atomic():
        return [
            calendar_event_write(
                calendar=calendar,
                origin=origin,
                external_id=visitor_event_key(scheduling_request, booked.key),
                summary=booked.summary,
                description=booked.description,
                location=booked.location,
                start=TimeValue(booked.start),
                end=TimeValue(booked.end),
                tzid=booked.tzid,
                now=now,
            )
            for booked in booked_events(scheduling_request)
        ]
