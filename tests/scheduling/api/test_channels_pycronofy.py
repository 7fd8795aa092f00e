"""Push notification channels end to end: the real pycronofy client against the live server, a real
receiver on 127.0.0.1 checking signatures with pycronofy's own `hmac_valid`, through a secret
rotation, and the integrator's documented follow-up read (events changed since `changes_since`)."""

import datetime as dt

import pytest
from pycronofy.exceptions import PyCronofyRequestError

from scheduling.services.applications import application_secret_add, application_secret_revoke
from tests.factories import primary_calendar

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)


@pytest.fixture
def client(cronofy, tokens):
    return cronofy(access_token=tokens.access_token)


def test_channel_lifecycle_and_signed_notifications_through_a_rotation(
    client, app_creds, account, receiver
):
    calendar_id = primary_calendar(account).calendar_id
    old_secret = app_creds.client_secret
    new_secret = application_secret_add(application=app_creds.application)

    channel = client.create_notification_channel(receiver.url, calendar_ids=[calendar_id])

    [verification] = receiver.wait_for(1)
    assert verification.json()["notification"] == {"type": "verification"}
    assert verification.json()["channel"] == channel
    assert verification.signed_with(old_secret)
    assert verification.signed_with(new_secret)
    assert client.list_notification_channels() == [channel]

    old = app_creds.application.secrets.get(secret_prefix=old_secret[:6])
    application_secret_revoke(secret=old)
    client.upsert_event(
        calendar_id,
        {
            "event_id": "interview-1",
            "summary": "Interview",
            "start": START,
            "end": START + dt.timedelta(hours=1),
        },
    )

    _, change = receiver.wait_for(2)
    assert change.signed_with(new_secret)
    assert not change.signed_with(old_secret)
    changes_since = change.json()["notification"]["changes_since"]
    changed = client.read_events(
        calendar_ids=[calendar_id],
        last_modified=changes_since,
        include_deleted=True,
        include_moved=True,
        tzid="Etc/UTC",
    ).all()
    assert [event["event_id"] for event in changed] == ["interview-1"]

    client.close_notification_channel(channel["channel_id"])
    assert client.list_notification_channels() == []
    with pytest.raises(PyCronofyRequestError) as closed_again:
        client.close_notification_channel(channel["channel_id"])
    assert closed_again.value.response.status_code == 404


def test_only_managed_channel_through_pycronofy(client, receiver):
    channel = client.create_notification_channel(receiver.url, only_managed=True)

    assert channel["filters"] == {"only_managed": True}
    assert channel["channel_id"].startswith("chn_")
