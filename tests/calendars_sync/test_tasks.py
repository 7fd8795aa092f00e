"""The q2 side: schedules made by migration 0002, the poll claiming each due connection once,
and the task entry points."""

import datetime as dt

import pytest
from django_q.models import Schedule

from calendars_sync import tasks
from calendars_sync.models import Connection, SyncedCalendar
from calendars_sync.providers.base import ProviderRefused
from calendars_sync.services import sync
from scheduling.models import Event
from tests.calendars_sync.conftest import NOW, activate, remote
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "func", "minutes"),
    [
        ("sync_connections_poll_due", "connections_poll_due", 1),
        ("sync_push_channels_renew", "push_channels_renew", 60),
    ],
)
def test_the_schedules_run_forever(name, func, minutes):
    schedule = Schedule.objects.get(name=name)
    assert schedule.func == f"calendars_sync.tasks.{func}"
    assert callable(getattr(tasks, func))
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        Schedule.MINUTES,
        minutes,
        -1,
    )


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(sync, "async_task", lambda *args: calls.append(args))
    return calls


def test_the_poll_queues_due_connections_once(world, app_creds, connection, queued):
    backing_off = activate(make_account(app_creds.application))
    Connection.objects.filter(pk=backing_off.pk).update(retry_after=NOW + dt.timedelta(minutes=1))
    later = activate(make_account(app_creds.application))
    Connection.objects.filter(pk=later.pk).update(next_poll_at=NOW + dt.timedelta(minutes=1))
    broken = activate(make_account(app_creds.application))
    Connection.objects.filter(pk=broken.pk).update(state=Connection.State.BROKEN)

    assert sync.connections_poll_due(now=NOW) == 1
    assert sync.connections_poll_due(now=NOW) == 0  # claimed: its next poll moved on

    assert queued == [("calendars_sync.tasks.connection_sync", connection.pk)]
    connection.refresh_from_db()
    assert connection.next_poll_at == NOW + dt.timedelta(minutes=15)


def test_a_claim_lost_to_another_worker_queues_nothing(world, connection, queued, monkeypatch):
    real_update = sync.Connection.objects.filter

    def filter_after_another_worker(*args, **kwargs):
        if "next_poll_at" in kwargs:  # the other worker claimed it first
            Connection.objects.update(next_poll_at=NOW + dt.timedelta(minutes=15))
        return real_update(*args, **kwargs)

    monkeypatch.setattr(sync.Connection.objects, "filter", filter_after_another_worker)

    assert sync.connections_poll_due(now=NOW) == 0
    assert queued == []


def test_a_backoff_schedules_the_next_poll_when_it_ends(world, connection):
    world.errors.append(ProviderRefused("503"))
    sync.connection_sync(connection=connection, now=NOW)

    connection.refresh_from_db()
    assert connection.next_poll_at == connection.retry_after == NOW + dt.timedelta(seconds=30)


def test_tasks_reload_and_call_their_service(world, connection):
    world.put("primary", remote("a"))

    assert tasks.connection_sync(connection.pk) == "1 calendar(s)"
    world.put("primary", remote("b", 2))
    assert tasks.synced_calendar_sync(SyncedCalendar.objects.get().pk) == "pulled"
    assert tasks.connection_sync(0) == "gone"
    assert tasks.synced_calendar_sync(0) == "gone"
    assert Event.objects.filter(deleted=False).count() == 2


def test_connection_disconnect_stops_channels_and_wipes_secrets(world, connection, settings):
    settings.PUBLIC_BASE_URL = "https://scheduling.example.test"
    world.put("primary", remote("a"))
    sync.connection_sync(connection=connection, now=NOW)
    channel_id = SyncedCalendar.objects.get().push_channel_id

    sync.connection_disconnect(connection=connection, now=NOW)

    assert world.stopped == [channel_id]
    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED
    assert connection.secrets_encrypted == ""
    assert connection.profile.connected is False
    assert SyncedCalendar.objects.get().push_channel_id == ""
    assert Event.objects.get().deleted is False  # kept until reconnected or deleted
    assert sync.connection_sync(connection=connection, now=NOW).ran is False
