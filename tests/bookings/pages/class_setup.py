"""A studio (a RESOURCE account in London, with an email), its classes and seats, and one-to-one
bookings entering their states, for the class pages, mail, waitlist and admin tests."""

import datetime as dt

import pytest
from django.db import transaction

from bookings.engine import graphs
from bookings.models import Booking
from bookings.services.group_bookings import class_create, seat_create
from bookings.transitions import state_entered
from scheduling.services.accounts import resource_create
from tests.clock import FROZEN_NOW

# Saturday 1 March 2025, 12:00 UTC (12:00 in London, GMT).
START = FROZEN_NOW + dt.timedelta(days=2)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def studio(app_creds):
    return resource_create(
        application=app_creds.application,
        name="Studio Nine",
        email="studio@example.test",
        default_tzid="Europe/London",
    )


def studio_class(app_creds, studio, *, start=START, **settings) -> Booking:
    values = {"max_seats": 3, "what": "Morning yoga", "where": "Room 2"} | settings
    return class_create(
        application=app_creds.application,
        account=studio,
        start=start,
        end=start + HOUR,
        now=FROZEN_NOW,
        **values,
    )


def seat_for(app_creds, klass, *, email="ada@example.test", name="Ada", seats=1, tz="") -> Booking:
    return seat_create(
        application=app_creds.application,
        owner_booking_id=klass.booking_id,
        customer_name=name,
        customer_email=email,
        customer_timezone=tz,
        seats=seats,
        now=FROZEN_NOW,
    )


def one_to_one(app_creds, studio, graph: str, **fields) -> Booking:
    """A one-to-one booking created in its graph's first state, its transition recorded (the
    one-to-one service belongs to another slice; the mails only read transitions)."""
    values = {
        "customer_name": "Grace",
        "customer_email": "grace@example.test",
        "customer_timezone": "America/New_York",
        "what": "Consultation",
    } | fields
    with transaction.atomic():
        booking = Booking.objects.create(
            application=app_creds.application,
            graph=graph,
            state=graphs.initial_state(graph),
            account=studio,
            start=START,
            end=START + HOUR,
            created_at=FROZEN_NOW,
            updated_at=FROZEN_NOW,
            **values,
        )
        state_entered(booking=booking, now=FROZEN_NOW)
    return booking
