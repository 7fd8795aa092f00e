"""Write-back: managed events copied into the external calendar, followed on change and delete,
never echoed back by the next pull, and never triggered by the sync's own writes."""

import datetime as dt

import pytest

from calendars_sync import receivers
from calendars_sync.models import Connection, EventLink, SyncedCalendar
from calendars_sync.providers.base import GrantBroken, RateLimited
from calendars_sync.services.sync import connection_sync
from calendars_sync.services.write_back import events_write_back
from scheduling.models import Event
from scheduling.services.events import calendar_event_write, event_delete, event_upsert
from scheduling.signals import ChangeOrigin
from scheduling.timeformat import TimeValue
from tests.calendars_sync.conftest import NOW, T0, remote
from tests.calendars_sync.memory_adapter import rate_limited
from tests.factories import primary_calendar

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(minutes=5)


@pytest.fixture
def synced(world, connection):
    connection_sync(connection=connection, now=NOW)
    return SyncedCalendar.objects.select_related("calendar").get(remote_id="primary")


def upsert(person, calendar, *, event_id="e1", summary="Interview", hours=0, now=NOW):
    return event_upsert(
        account=person,
        application=person.application,
        calendar_id=calendar.calendar_id,
        event_id=event_id,
        summary=summary,
        start=TimeValue(T0 + dt.timedelta(hours=hours)),
        end=TimeValue(T0 + dt.timedelta(hours=hours + 1)),
        now=now,
    )


def remote_summaries(world, calendar_id="primary") -> dict[str, str]:
    return {r: e.summary for r, e in world.calendars[calendar_id].events.items()}


def test_an_api_event_is_created_updated_and_deleted_in_the_external_calendar(
    world, person, synced, django_capture_on_commit_callbacks
):
    local = primary_calendar(person)
    with django_capture_on_commit_callbacks(execute=True):
        event = upsert(person, local)
    link = EventLink.objects.get()
    assert (link.event, link.synced_calendar, link.written_version) == (event, synced, NOW)
    assert remote_summaries(world) == {link.remote_id: "Interview"}

    with django_capture_on_commit_callbacks(execute=True):
        upsert(person, local, summary="Moved", hours=2, now=LATER)
    assert remote_summaries(world) == {link.remote_id: "Moved"}
    assert world.puts[-1][2] == link.remote_id  # updated in place
    assert EventLink.objects.get().written_version == LATER

    with django_capture_on_commit_callbacks(execute=True):
        event_delete(
            account=person,
            application=person.application,
            calendar_id=local.calendar_id,
            event_id="e1",
            now=LATER,
        )
    assert remote_summaries(world) == {}
    assert not EventLink.objects.exists()


def test_a_written_back_event_does_not_come_back_on_the_next_pull(
    world, person, connection, synced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upsert(person, primary_calendar(person))

    report = connection_sync(connection=connection, now=LATER)

    assert (report.created, report.updated) == (0, 0)
    assert not Event.objects.filter(external_id__isnull=False).exists()
    assert world.puts
    assert len(world.puts) == 1


def test_a_copy_imported_before_its_link_was_stored_is_removed(
    world, person, connection, synced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upsert(person, primary_calendar(person))
    link = EventLink.objects.get()
    # A pull that raced the write-back imported the copy as an external event.
    Event.new(
        calendar=synced.calendar,
        start=T0,
        end=T0 + dt.timedelta(hours=1),
        now=NOW,
        external_id=link.remote_id,
    ).save()

    connection_sync(connection=connection, now=LATER)

    assert Event.objects.get(external_id=link.remote_id).deleted is True


def test_an_api_event_in_a_synced_calendar_goes_to_that_calendar(
    world, person, connection, django_capture_on_commit_callbacks
):
    world.add_calendar("team", "Team")
    connection_sync(connection=connection, now=NOW)
    team = SyncedCalendar.objects.get(remote_id="team")

    with django_capture_on_commit_callbacks(execute=True):
        upsert(person, team.calendar)

    assert list(remote_summaries(world, "team").values()) == ["Interview"]
    assert remote_summaries(world) == {}


def test_read_only_synced_calendars_receive_nothing(world, person, connection):
    world.add_calendar("holidays", "Holidays", readonly=True)
    connection_sync(connection=connection, now=NOW)
    holidays = SyncedCalendar.objects.select_related("calendar").get(remote_id="holidays")
    calendar_event_write(
        calendar=holidays.calendar,
        origin=ChangeOrigin.booking(application_id=person.application_id, booking_id="b1"),
        application=person.application,
        event_id="b1",
        summary="Booked",
        start=TimeValue(T0),
        end=TimeValue(T0 + dt.timedelta(hours=1)),
        now=NOW,
    )

    assert (
        events_write_back(account_id=person.pk, calendar_ids=[holidays.calendar.calendar_id]) == 0
    )
    assert world.puts == []


def test_nothing_is_written_back_without_write_back(world, person, connection, synced):
    Connection.objects.filter(pk=connection.pk).update(write_back=False)
    upsert(person, primary_calendar(person))

    assert (
        events_write_back(account_id=person.pk, calendar_ids=[primary_calendar(person).calendar_id])
        == 0
    )
    assert world.puts == []


def test_a_failure_keeps_the_links_written_so_far_and_raises_for_a_retry(world, person, synced):
    local = primary_calendar(person)
    upsert(person, local, event_id="e1")
    upsert(person, local, event_id="e2", hours=2)
    original_check = world.check
    calls = []

    def check():  # the first put succeeds, the second is refused
        calls.append(1)
        if len(calls) == 2:
            raise rate_limited(30)
        original_check()

    world.check = check

    with pytest.raises(RateLimited, match="429"):
        events_write_back(account_id=person.pk, calendar_ids=[local.calendar_id], now=NOW)
    assert EventLink.objects.count() == 1

    world.check = original_check
    assert events_write_back(account_id=person.pk, calendar_ids=[local.calendar_id]) == 1
    assert EventLink.objects.count() == 2
    assert len(world.calendars["primary"].events) == 2


def test_a_broken_grant_during_write_back_marks_the_connection_broken(
    world, person, connection, synced
):
    local = primary_calendar(person)
    upsert(person, local)
    world.errors.append(GrantBroken("401"))

    with pytest.raises(GrantBroken):
        events_write_back(account_id=person.pk, calendar_ids=[local.calendar_id], now=NOW)

    connection.refresh_from_db()
    assert connection.state == Connection.State.BROKEN


def test_the_syncs_own_changes_are_not_written_back(monkeypatch, person, connection):
    queued = []
    monkeypatch.setattr(receivers, "write_back_enqueue", lambda **kwargs: queued.append(kwargs))

    for origin in [
        ChangeOrigin.sync(connection_id=connection.connection_id),
        ChangeOrigin.api(person.application_id),
    ]:
        receivers.write_back_changes(
            None,
            account_id=person.pk,
            calendar_ids=["cal_x"],
            origin=origin,
            changed_at=NOW,
            managed_by=None,
        )

    assert queued == [{"account_id": person.pk, "calendar_ids": ["cal_x"]}]


def test_a_sync_import_queues_no_write_back(
    world, monkeypatch, connection, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(receivers, "write_back_enqueue", lambda **kwargs: queued.append(kwargs))
    world.put("primary", remote("a"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        connection_sync(connection=connection, now=NOW)

    assert callbacks  # events_changed was sent ...
    assert queued == []  # ... and did not queue a write-back


@pytest.mark.parametrize("count", [3, 30])
def test_write_back_takes_a_constant_number_of_queries(
    world, person, synced, count, django_assert_max_num_queries
):
    local = primary_calendar(person)
    for n in range(count):
        upsert(person, local, event_id=f"e{n}", hours=n)

    with django_assert_max_num_queries(12):
        assert events_write_back(account_id=person.pk, calendar_ids=[local.calendar_id]) == count

    assert EventLink.objects.count() == count
