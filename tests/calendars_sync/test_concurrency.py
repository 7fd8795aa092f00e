"""Sync services racing themselves (PostgreSQL): one import of a calendar at a time, one claim
per due connection, one external copy per written-back event."""

import datetime as dt
from collections import Counter

import pytest

from calendars_sync.models import EventLink
from calendars_sync.services import connections, sync, write_back
from calendars_sync.services.sync import connection_sync
from calendars_sync.services.write_back import events_write_back
from scheduling.models import Event
from scheduling.services.event_imports import ImportedEvent, calendar_events_import
from scheduling.services.events import event_upsert
from scheduling.signals import ChangeOrigin
from scheduling.timeformat import TimeValue
from tests.calendars_sync.conftest import NOW, T0, activate
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import make_account, primary_calendar

pytestmark = needs_concurrent_writers


@pytest.fixture(autouse=True)
def nothing_inline(monkeypatch):
    """Commits queue no q2 task (which the tests' q2 would run inline): the racers do the work."""
    monkeypatch.setattr(connections, "async_task", lambda *args: None)
    monkeypatch.setattr(write_back, "async_task", lambda *args: None)


def test_concurrent_imports_of_one_calendar_store_each_event_once(person):
    calendar = primary_calendar(person)
    events = [
        ImportedEvent(
            external_id=f"e{n}",
            start=TimeValue(T0 + dt.timedelta(hours=n)),
            end=TimeValue(T0 + dt.timedelta(hours=n + 1)),
        )
        for n in range(20)
    ]

    results = race(
        4,
        lambda _: calendar_events_import(
            calendar=calendar,
            origin=ChangeOrigin.sync(connection_id="con_x"),
            events=events,
            now=NOW,
        ),
    )

    assert sorted(r.created for r in results) == [0, 0, 0, 20]
    assert Event.objects.filter(calendar=calendar).count() == 20


def test_concurrent_polls_queue_each_due_connection_once(world, app_creds, monkeypatch):
    connections = [activate(make_account(app_creds.application)) for _ in range(6)]
    queued = []
    monkeypatch.setattr(sync, "async_task", lambda *args: queued.append(args[1]))

    counts = race(4, lambda _: sync.connections_poll_due(now=NOW))

    assert sum(counts) == 6
    assert Counter(queued) == {c.pk: 1 for c in connections}


def test_concurrent_write_backs_copy_each_event_once(world, person, connection):
    connection_sync(connection=connection, now=NOW)
    local = primary_calendar(person)
    for n in range(5):
        event_upsert(
            account=person,
            application=person.application,
            calendar_id=local.calendar_id,
            event_id=f"e{n}",
            summary="Interview",
            start=TimeValue(T0 + dt.timedelta(hours=n)),
            end=TimeValue(T0 + dt.timedelta(hours=n + 1)),
            now=NOW,
        )

    written = race(
        3, lambda _: events_write_back(account_id=person.pk, calendar_ids=[local.calendar_id])
    )

    assert sorted(written) == [0, 0, 5]
    assert EventLink.objects.count() == 5
    assert len(world.puts) == 5


@pytest.fixture
def person(app_creds):
    return make_account(app_creds.application, name="Person")
