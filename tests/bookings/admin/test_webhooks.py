"""Booking webhooks in the admin: registered through the service (graph, states, network guard),
listed with their states, switched off without deleting."""

import pytest
from django.urls import reverse

from bookings.models import BookingWebhook

pytestmark = pytest.mark.django_db

ADD = reverse("admin:bookings_bookingwebhook_add")


def form(app_creds, **fields) -> dict:
    return {
        "application": app_creds.application.pk,
        "graph": "group_customer",
        "url": "http://127.0.0.1:9/hooks",
        "states_text": "confirmed, cancelled_by_owner",
        "is_active": "on",
        **fields,
    }


def test_adding_registers_the_webhook_with_its_states(admin_client, app_creds):
    response = admin_client.post(ADD, form(app_creds))
    assert response.status_code == 302
    hook = BookingWebhook.objects.get()
    assert (hook.graph, hook.states) == ("group_customer", ["confirmed", "cancelled_by_owner"])
    listing = admin_client.get(reverse("admin:bookings_bookingwebhook_changelist"))
    assert "confirmed, cancelled_by_owner" in listing.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"states_text": "paid"}, "Not states of group_customer: paid"),
        ({"url": "http://10.1.2.3/hooks"}, "private or reserved network"),
    ],
)
def test_bad_states_or_urls_are_refused_and_nothing_is_saved(
    admin_client, app_creds, fields, message
):
    response = admin_client.post(ADD, form(app_creds, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BookingWebhook.objects.exists()


def test_a_webhook_is_switched_off_in_place(admin_client, app_creds):
    admin_client.post(ADD, form(app_creds))
    hook = BookingWebhook.objects.get()
    change = reverse("admin:bookings_bookingwebhook_change", args=[hook.pk])
    response = admin_client.post(
        change, {k: v for k, v in form(app_creds).items() if k != "is_active"}
    )
    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.is_active is False
