"""Classes and seats for tests: a resource, a class in its calendar, a seat in the class."""

import datetime as dt

import pytest

from bookings.models import Booking
from bookings.services.group_bookings import class_create, seat_create
from tests.clock import FROZEN_NOW
from tests.factories import make_account

START = FROZEN_NOW + dt.timedelta(days=2)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def resource(app_creds):
    return make_account(app_creds.application, name="Doc Brown")


def make_class(app_creds, resource, **settings) -> Booking:
    values = {"max_seats": 20, "what": "Flux capacitance"} | settings
    return class_create(
        application=app_creds.application,
        account=resource,
        start=START,
        end=START + HOUR,
        now=FROZEN_NOW,
        **values,
    )


def take(app_creds, klass, *, seats=1, now=FROZEN_NOW, email="marty@example.test") -> Booking:
    return seat_create(
        application=app_creds.application,
        owner_booking_id=klass.booking_id,
        customer_name="Marty",
        customer_email=email,
        seats=seats,
        now=now,
    )
