"""Push: channels started after a pull, notifications through the webhook views queueing a pull
of their calendar, tokens checked, channels renewed before they expire."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from calendars_sync.models import Connection, SyncedCalendar
from calendars_sync.providers.base import GrantBroken
from calendars_sync.services.push import push_received
from calendars_sync.services.sync import connection_sync, push_channels_renew
from scheduling.credentials import hash_token
from scheduling.models import Event
from tests.calendars_sync.conftest import NOW, activate, remote

pytestmark = pytest.mark.django_db
BASE = "https://scheduling.example.test"
GOOGLE = reverse("sync_push_google")
MICROSOFT = reverse("sync_push_microsoft")


@pytest.fixture
def public(settings):
    settings.PUBLIC_BASE_URL = BASE


@pytest.fixture
def channel(public, world, connection):
    """The primary calendar synced, with a channel; (synced calendar, the channel's token)."""
    connection_sync(connection=connection, now=NOW)
    return SyncedCalendar.objects.get(remote_id="primary"), world.pushes[-1].token


def test_a_pull_starts_a_channel_to_the_providers_webhook(world, channel):
    synced, token = channel
    call = world.pushes[0]
    assert call.callback_url == BASE + "/sync/push/google"
    assert (synced.push_channel_id, synced.push_token_hash) == (call.channel_id, hash_token(token))
    assert synced.push_resource_id == f"res-{call.channel_id}"
    assert synced.push_expires_at > NOW + dt.timedelta(days=6)


def test_a_live_channel_is_kept_and_one_about_to_expire_replaced(world, connection, channel):
    synced, _ = channel
    connection_sync(connection=connection, now=NOW + dt.timedelta(minutes=1))
    assert len(world.pushes) == 1

    soon = synced.push_expires_at - dt.timedelta(hours=23)
    connection_sync(connection=connection, now=soon)

    assert len(world.pushes) == 2
    assert world.stopped == [synced.push_channel_id]
    synced.refresh_from_db()
    assert synced.push_channel_id == world.pushes[1].channel_id


def test_no_push_without_a_public_base_url_or_provider_support(world, connection, settings):
    settings.PUBLIC_BASE_URL = ""
    connection_sync(connection=connection, now=NOW)
    settings.PUBLIC_BASE_URL = BASE
    world.push_supported = False
    connection_sync(connection=connection, now=NOW + dt.timedelta(minutes=1))

    assert world.pushes == []
    assert SyncedCalendar.objects.get().push_channel_id == ""


def test_push_received_queues_a_pull_only_for_the_right_token(
    world, channel, django_capture_on_commit_callbacks
):
    synced, token = channel
    world.put("primary", remote("a"))
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert (
            push_received(provider="google", channel_id=synced.push_channel_id, token="x") is False
        )
        assert push_received(provider="google", channel_id="unknown", token=token) is False
        assert (
            push_received(provider="microsoft", channel_id=synced.push_channel_id, token=token)
            is False
        )
    assert queued == []
    assert not Event.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert push_received(provider="google", channel_id=synced.push_channel_id, token=token)

    assert Event.objects.get().external_id == "a"  # q2 runs tasks inline in the tests


def google(client, synced, token, state="exists"):
    return client.post(
        GOOGLE,
        headers={
            "X-Goog-Channel-ID": synced.push_channel_id,
            "X-Goog-Channel-Token": token,
            "X-Goog-Resource-State": state,
            "X-Goog-Resource-ID": synced.push_resource_id,
        },
    )


def test_google_webhook(client, world, channel, django_capture_on_commit_callbacks):
    synced, token = channel
    world.put("primary", remote("a"))

    with django_capture_on_commit_callbacks(execute=True):
        assert google(client, synced, token, state="sync").status_code == 200
        assert google(client, synced, "wrong").status_code == 404
    assert not Event.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert google(client, synced, token).status_code == 200
    assert Event.objects.get().external_id == "a"
    assert client.get(GOOGLE).status_code == 405
    assert client.post(GOOGLE).status_code == 404  # no headers: no channel


def test_microsoft_validation_handshake(client):
    response = client.post(MICROSOFT + "?validationToken=Validation%3A+Testing+client+application")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"Validation: Testing client application"
    assert client.post(MICROSOFT + "?validationToken=" + "x" * 2000).status_code == 400
    assert client.post(MICROSOFT + "?validationToken=a%00b").status_code == 400


@pytest.fixture
def graph_channel(public, world, person):
    connection = activate(person, provider="microsoft")
    connection_sync(connection=connection, now=NOW)
    return SyncedCalendar.objects.get(connection=connection), world.pushes[-1].token


def test_microsoft_notifications(client, world, graph_channel, django_capture_on_commit_callbacks):
    synced, token = graph_channel
    world.put("primary", remote("a"))
    body = {
        "value": [
            {
                "subscriptionId": synced.push_channel_id,
                "clientState": token,
                "changeType": "updated",
                "resource": "me/events/AAMk",
            }
        ]
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MICROSOFT, json.dumps(body), content_type="application/json")

    assert response.status_code == 202
    assert Event.objects.get().external_id == "a"


@pytest.mark.parametrize(
    "body", ["not json", "[]", '{"value": "x"}', '{"value": []}', '{"value": [1]}']
)
def test_malformed_microsoft_notifications_are_refused(client, body):
    response = client.post(MICROSOFT, body, content_type="application/json")

    assert response.status_code == 400


@pytest.mark.parametrize("in_place", [True, False])
def test_channels_expiring_within_a_day_are_renewed_and_keep_working(
    world, channel, in_place, django_capture_on_commit_callbacks
):
    world.renew_in_place = in_place  # Graph renews in place; Google watches anew
    synced, _ = channel
    expires = synced.push_expires_at

    assert push_channels_renew(now=expires - dt.timedelta(days=2)) == 0
    assert push_channels_renew(now=expires - dt.timedelta(hours=2)) == 1

    ((renewed_channel, _),) = world.renewals
    assert renewed_channel.channel_id == synced.push_channel_id
    synced.refresh_from_db()
    assert synced.push_expires_at == expires + dt.timedelta(days=7)
    assert list(world.channels) == [synced.push_channel_id]
    # The provider's next notification carries the token its channel holds: it is believed.
    world.put("primary", remote("a"))
    with django_capture_on_commit_callbacks(execute=True):
        token = world.channels[synced.push_channel_id]
        assert push_received(provider="google", channel_id=synced.push_channel_id, token=token)
    assert Event.objects.get().external_id == "a"


def test_a_channel_the_provider_forgot_is_started_anew(world, channel):
    synced, _ = channel
    world.channels.clear()  # Graph answers 404 for the subscription

    assert push_channels_renew(now=synced.push_expires_at - dt.timedelta(hours=2)) == 1

    assert len(world.pushes) == 2
    synced.refresh_from_db()
    assert synced.push_channel_id == world.pushes[1].channel_id


def test_an_expired_channel_is_started_anew(world, channel):
    synced, _ = channel

    assert push_channels_renew(now=synced.push_expires_at + dt.timedelta(hours=1)) == 1

    assert world.renewals == []
    assert len(world.pushes) == 2


def test_a_broken_grant_while_renewing_marks_the_connection_broken(world, connection, channel):
    synced, _ = channel
    world.errors.append(GrantBroken("401"))

    assert push_channels_renew(now=synced.push_expires_at - dt.timedelta(hours=1)) == 0

    connection.refresh_from_db()
    assert connection.state == Connection.State.BROKEN
