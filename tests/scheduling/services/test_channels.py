"""Change notifications: which channels hear about a change, coalescing, and real delivery."""

import datetime as dt
import json

import pytest
from django.db import transaction

from scheduling.models import OutgoingCallback
from scheduling.services.callbacks import callback_deliver
from scheduling.services.channels import channel_changes_notify, channel_close, channel_create
from scheduling.services.events import calendar_event_write, event_upsert
from scheduling.services.tokens import grant_revoke, grant_upsert
from scheduling.signals import ChangeOrigin
from scheduling.timeformat import TimeValue, format_time
from tests.factories import make_account, make_application, make_user_account, primary_calendar

T0 = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
NOW = dt.datetime(2025, 2, 27, 12, tzinfo=dt.UTC)
State = OutgoingCallback.State


@pytest.fixture
def account(app_creds):
    return make_account(app_creds.application)


@pytest.fixture
def calendar(account):
    return primary_calendar(account)


def open_channel(account, url, application=None, **filters):
    return channel_create(
        application=application or account.application, account=account, callback_url=url, **filters
    )


def upsert(account, calendar, *, application=None, event_id="e1", hours=0, now=NOW):
    return event_upsert(
        account=account,
        application=application or account.application,
        calendar_id=calendar.calendar_id,
        event_id=event_id,
        summary=f"at {hours}",
        start=TimeValue(T0 + dt.timedelta(hours=hours)),
        end=TimeValue(T0 + dt.timedelta(hours=hours + 1)),
        now=now,
    )


def changes(channel=None):
    rows = OutgoingCallback.objects.order_by("pk")
    bodies = [json.loads(bytes(row.body)) for row in rows]
    return [
        body
        for body in bodies
        if body["notification"]["type"] == "change"
        and (channel is None or body["channel"]["channel_id"] == channel.channel_id)
    ]


@pytest.mark.django_db(transaction=True)
def test_an_api_change_reaches_the_receiver_signed_with_changes_since(
    app_creds, account, calendar, receiver
):
    channel = open_channel(account, receiver.url)
    upsert(account, calendar)

    verification, change = receiver.wait_for(2)
    assert verification.json()["notification"] == {"type": "verification"}
    assert change.json() == {
        "notification": {"type": "change", "changes_since": format_time(NOW)},
        "channel": {"channel_id": channel.channel_id, "callback_url": receiver.url, "filters": {}},
    }
    assert change.signed_with(app_creds.client_secret)
    assert change.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_notifies_nobody(account, calendar, receiver):
    open_channel(account, receiver.url)

    def upsert_then_fail():
        with transaction.atomic():
            upsert(account, calendar)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        upsert_then_fail()

    assert [r.json()["notification"]["type"] for r in receiver.wait_for(1)] == ["verification"]
    assert changes() == []


@pytest.mark.django_db
def test_calendar_ids_filter_chooses_the_calendars(
    account, calendar, django_capture_on_commit_callbacks
):
    from scheduling.services.calendars import calendar_create

    other = calendar_create(account=account, profile_id=calendar.profile.profile_id, name="Other")
    watching_other = open_channel(account, "http://127.0.0.1:9/a", calendar_ids=[other.calendar_id])
    watching_all = open_channel(account, "http://127.0.0.1:9/b")

    with django_capture_on_commit_callbacks(execute=True):
        upsert(account, calendar)

    assert changes(watching_other) == []
    assert len(changes(watching_all)) == 1


@pytest.mark.django_db
def test_only_managed_hears_its_own_applications_events_only(
    account, calendar, django_capture_on_commit_callbacks
):
    person = make_user_account()
    mine, theirs = make_application().application, make_application().application
    for application in (mine, theirs):
        grant_upsert(application=application, account=person, scope="read_write")
    cal = primary_calendar(person)
    managed_only = open_channel(person, "http://127.0.0.1:9/m", application=mine, only_managed=True)
    everything = open_channel(person, "http://127.0.0.1:9/e", application=mine)

    for write in (
        lambda: upsert(person, cal, application=theirs, event_id="theirs"),
        lambda: calendar_event_write(
            calendar=cal,
            origin=ChangeOrigin.sync(connection_id="c1"),
            external_id="ext-1",
            summary="Synced",
            start=TimeValue(T0),
            end=TimeValue(T0 + dt.timedelta(hours=1)),
            now=NOW,
        ),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            write()
    assert changes(managed_only) == []

    with django_capture_on_commit_callbacks(execute=True):
        upsert(person, cal, application=mine, event_id="mine")
    assert len(changes(managed_only)) == 1
    # A worker took each notification at once (the kick), so none coalesced.
    assert len(changes(everything)) == 3


def notify(account, calendar, changed_at):
    channel_changes_notify(
        account_id=account.pk,
        calendar_ids=[calendar.calendar_id],
        changed_at=changed_at,
        managed_by=None,
    )


@pytest.mark.django_db
def test_a_burst_of_changes_queues_one_notification_until_a_worker_takes_it(
    account, calendar, receiver
):
    channel = open_channel(account, receiver.url)
    for minutes in range(5):
        notify(account, calendar, NOW + dt.timedelta(minutes=minutes))
    assert len(changes(channel)) == 1

    waiting = OutgoingCallback.objects.filter(dedupe_key__isnull=False).get()
    assert (
        callback_deliver(callback_id=waiting.pk, now=NOW + dt.timedelta(minutes=9)) == "delivered"
    )
    notify(account, calendar, NOW + dt.timedelta(minutes=10))

    assert [c["notification"]["changes_since"] for c in changes(channel)] == [
        format_time(NOW),
        format_time(NOW + dt.timedelta(minutes=10)),
    ]


@pytest.mark.django_db
def test_a_late_commit_of_an_earlier_change_moves_changes_since_back(account, calendar):
    channel = open_channel(account, "http://127.0.0.1:9/a")
    later, earlier = NOW + dt.timedelta(minutes=5), NOW

    for changed_at in (later, earlier, later + dt.timedelta(minutes=1)):
        notify(account, calendar, changed_at)

    assert [c["notification"]["changes_since"] for c in changes(channel)] == [format_time(earlier)]


@pytest.mark.django_db
def test_closed_channels_and_revoked_grants_hear_nothing(
    account, calendar, django_capture_on_commit_callbacks
):
    person = make_user_account()
    application = make_application().application
    grant = grant_upsert(application=application, account=person, scope="read_write")
    revoked = open_channel(person, "http://127.0.0.1:9/r", application=application)
    closed = open_channel(account, "http://127.0.0.1:9/c")
    channel_close(application=account.application, account=account, channel_id=closed.channel_id)
    grant_revoke(grant=grant)

    for owner in (person, account):
        writer = make_application().application if owner is person else None
        if writer:
            grant_upsert(application=writer, account=person, scope="read_write")
        with django_capture_on_commit_callbacks(execute=True):
            upsert(owner, primary_calendar(owner), application=writer)

    assert changes(revoked) == []
    assert changes(closed) == []
