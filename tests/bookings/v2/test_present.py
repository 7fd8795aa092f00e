"""bookings/v2/present.py without HTTP: the webhook payload's shape, a seat's event, times."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bookings.models import Booking
from bookings.v2.params import includes_parse
from bookings.v2.present import INCLUDES, booking_data, booking_relations
from bookings.webhooks import PAYLOAD_INCLUDES
from tests.bookings.classes import START, make_class, take

pytestmark = pytest.mark.django_db


def loaded(booking: Booking, includes) -> Booking:
    return booking_relations(Booking.objects.filter(pk=booking.pk), includes).get()


def test_the_webhook_payload_keeps_its_keys(app_creds, resource):
    seat = take(app_creds, make_class(app_creds, resource))
    data = booking_data(loaded(seat, PAYLOAD_INCLUDES), includes=PAYLOAD_INCLUDES)
    assert set(data) == {
        "id",
        "state",
        "graph",
        "completed",
        "created_at",
        "updated_at",
        "attributes",
        "customers",
        "resource",
        "available_actions",
        "meta",
        "project",
        "owner_booking",
    }
    assert data["project"] is None


def test_a_seat_shows_its_classs_event(app_creds, resource):
    klass = make_class(app_creds, resource)
    seat = take(app_creds, klass)
    includes = includes_parse("event", allowed=INCLUDES)
    event = booking_data(loaded(seat, includes), includes=includes)["event"]
    assert event["id"] == klass.event.event_uid
    assert event["start"] == START.isoformat()


def test_times_are_whole_seconds_in_the_zone_asked_for(app_creds, resource):
    klass = make_class(app_creds, resource)
    Booking.objects.filter(pk=klass.pk).update(created_at=START.replace(microsecond=123456))
    tokyo = ZoneInfo("Asia/Tokyo")
    data = booking_data(Booking.objects.get(pk=klass.pk), tz=tokyo)
    assert data["created_at"] == (START + dt.timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M:%S+09:00")


def test_a_class_has_no_customers_and_lists_its_seats(app_creds, resource):
    klass = make_class(app_creds, resource)
    take(app_creds, klass, email="a@example.test")
    take(app_creds, klass, email="b@example.test")
    includes = includes_parse("customers,related_bookings.customers", allowed=INCLUDES)
    data = booking_data(loaded(klass, includes), includes=includes)
    assert "customers" not in data
    emails = [r["customers"][0]["email"] for r in data["related_bookings"]]
    assert emails == ["a@example.test", "b@example.test"]
