"""Booking webhooks: a booking entering a registered graph's state queues its payload in the
signed outbox, in the transaction of the change."""

import json

import pytest
from django.db import transaction

from bookings.models import BookingWebhook
from bookings.services.group_bookings import booking_action
from bookings.webhooks import booking_webhook_create
from scheduling.errors import ValidationFailed
from scheduling.models import OutgoingCallback
from scheduling.services.callbacks import callbacks_deliver_due
from tests.bookings.classes import make_class, take
from tests.factories import make_application

pytestmark = pytest.mark.django_db


def hook(app_creds, graph, states=(), url="http://127.0.0.1:9/hook"):
    return booking_webhook_create(
        application=app_creds.application, url=url, graph=graph, states=list(states)
    )


def queued() -> list[dict]:
    callbacks = OutgoingCallback.objects.filter(kind=OutgoingCallback.Kind.BOOKING_WEBHOOK)
    return [json.loads(bytes(c.body)) for c in callbacks.order_by("pk")]


def test_a_seat_entering_a_registered_state_queues_its_payload(app_creds, resource):
    hook(app_creds, "group_customer", ["confirmed"])
    klass = make_class(app_creds, resource, max_seats=5)
    seat = take(app_creds, klass)
    [payload] = queued()
    data = payload["data"]
    assert (data["id"], data["state"], data["graph"]) == (
        str(seat.booking_id),
        "confirmed",
        "group_customer",
    )
    assert data["customers"][0]["email"] == "marty@example.test"
    assert data["owner_booking"]["id"] == str(klass.booking_id)
    assert data["available_actions"] == ["complete", "cancel_by_customer", "cancel_by_owner"]
    assert payload["transition"]["to_state"] == "confirmed"


def test_only_the_registered_graph_and_states_are_sent(app_creds, resource):
    hook(app_creds, "group_customer", ["cancelled_by_owner"])
    klass = make_class(app_creds, resource, max_seats=5)
    take(app_creds, klass)
    assert queued() == []
    booking_action(application=app_creds.application, booking_id=klass.booking_id, action="cancel")
    [payload] = queued()
    assert payload["data"]["state"] == "cancelled_by_owner"
    assert payload["transition"]["action"] == "cancel_by_owner"


def test_a_webhook_without_states_hears_every_state_of_its_graph(app_creds, resource):
    hook(app_creds, "group_owner")
    klass = make_class(app_creds, resource, max_seats=5)
    booking_action(application=app_creds.application, booking_id=klass.booking_id, action="cancel")
    assert [p["data"]["state"] for p in queued()] == ["tentative", "cancelled"]
    assert queued()[0]["data"]["attributes"]["group_booking"] == {
        "max_seats": 5,
        "current_seats": 0,
    }


def test_another_applications_webhook_hears_nothing(app_creds, resource):
    other = make_application().application
    booking_webhook_create(application=other, url="http://127.0.0.1:9/x", graph="group_owner")
    make_class(app_creds, resource)
    assert queued() == []


def test_an_inactive_webhook_hears_nothing(app_creds, resource):
    hook(app_creds, "group_owner")
    BookingWebhook.objects.update(is_active=False)
    make_class(app_creds, resource)
    assert queued() == []


def test_a_rolled_back_change_queues_nothing(app_creds, resource):
    hook(app_creds, "group_owner")

    def made_then_rolled_back():
        with transaction.atomic():
            make_class(app_creds, resource)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        made_then_rolled_back()
    assert queued() == []


def test_registration_refuses_unknown_graphs_states_and_private_urls(app_creds, settings):
    settings.CALLBACK_ALLOWED_NETWORKS = []
    for kwargs, field in [
        ({"graph": "webinar"}, "graph"),
        ({"graph": "group_owner", "states": ["paid"]}, "states"),
        ({"graph": "group_owner", "url": "ftp://example.test/"}, "url"),
        ({"graph": "group_owner", "url": "http://127.0.0.1/hook"}, "url"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            booking_webhook_create(
                application=app_creds.application, **{"url": "http://localhost/h", **kwargs}
            )
        assert field in str(caught.value.errors)
    assert not BookingWebhook.objects.exists()


def test_the_webhook_is_delivered_signed(app_creds, resource, receiver):
    hook(app_creds, "group_customer", url=receiver.url)
    take(app_creds, make_class(app_creds, resource))
    assert callbacks_deliver_due() == 1
    [received] = receiver.wait_for(1)
    assert received.signed_with(app_creds.client_secret)
    assert received.json()["data"]["state"] == "confirmed"
