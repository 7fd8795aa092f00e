"""One-to-one bookings for tests: book a resource, trail a booking's transitions, read a refusal."""

import datetime as dt

import pytest

from bookings.models import Booking, BookingTransition
from bookings.services.group_bookings import booking_action
from bookings.services.one_to_one import booking_create
from scheduling.errors import ValidationFailed
from tests.clock import FROZEN_NOW

START = FROZEN_NOW + dt.timedelta(days=2)
HOUR = dt.timedelta(hours=1)
CUSTOMER = {"name": "Marty McFly", "email": "marty@example.test", "timezone": "Europe/Berlin"}


def book(app_creds, resource, *, graph="instant", start=START, end=None, now=FROZEN_NOW, **kw):
    values = {"what": "Consultation", "customer": CUSTOMER} | kw
    return booking_create(
        application=app_creds.application,
        account=resource,
        graph=graph,
        start=start,
        end=end or start + HOUR,
        now=now,
        **values,
    )


def act(app_creds, booking, action, *, now=FROZEN_NOW, message="") -> Booking:
    return booking_action(
        application=app_creds.application,
        booking_id=booking.booking_id,
        action=action,
        message=message,
        now=now,
    )


def trail(booking) -> list[tuple[str, str, str]]:
    return [
        (t.action, t.from_state, t.to_state)
        for t in BookingTransition.objects.filter(booking=booking)
    ]


def refusal(call) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    ((field, problems),) = caught.value.errors.items()
    return field, problems[0][0]
