"""connection_sync against the in-memory provider: imports, incremental pulls, restarts,
broken grants, backoff, recurring series, all-day events and the mirrored calendars."""

import datetime as dt

import pytest

from calendars_sync.models import Connection, SyncedCalendar
from calendars_sync.providers.base import ProviderRefused, RemoteEvent
from calendars_sync.services.sync import backoff_delay, connection_sync, synced_calendar_sync
from scheduling.models import Calendar, Event
from scheduling.signals import ChangeOrigin, events_changed
from tests.calendars_sync.conftest import ACCESS_TOKEN, NOW, T0, activate, remote
from tests.calendars_sync.memory_adapter import rate_limited

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(minutes=5)


@pytest.fixture
def received():
    calls = []

    def receiver(sender, signal, **kwargs):
        calls.append(kwargs)

    events_changed.connect(receiver)
    yield calls
    events_changed.disconnect(receiver)


def synced_events(connection, **filters) -> dict[str, Event]:
    events = Event.objects.filter(calendar__synced__connection=connection, **filters)
    return {e.external_id: e for e in events}


def live(connection) -> dict[str, Event]:
    return synced_events(connection, deleted=False)


def test_initial_import_mirrors_calendars_and_events(world, connection):
    world.add_calendar("holidays", "Holidays", readonly=True)
    world.put("primary", remote("a", summary="Standup", location="Room 1"))
    world.put("holidays", remote("h", 24))

    report = connection_sync(connection=connection, now=NOW)

    assert (report.ran, report.error, report.calendars, report.created) == (True, "", 2, 2)
    events = live(connection)
    assert events["a"].summary == "Standup"
    assert events["a"].location_description == "Room 1"
    assert events["a"].start == T0
    assert events["a"].application is None
    calendars = {c.name: c for c in Calendar.objects.filter(profile=connection.profile)}
    assert set(calendars) == {"Work", "Holidays"}
    assert calendars["Holidays"].readonly
    assert not calendars["Work"].readonly
    assert not any(c.primary for c in calendars.values())
    connection.refresh_from_db()
    assert connection.last_sync_at == NOW
    assert connection.failures == 0
    assert connection.next_poll_at == NOW + dt.timedelta(minutes=15)


def test_a_repeated_pull_changes_nothing(
    world, connection, received, django_capture_on_commit_callbacks
):
    world.put("primary", remote("a"))
    with django_capture_on_commit_callbacks(execute=True):
        connection_sync(connection=connection, now=NOW)
    SyncedCalendar.objects.update(sync_state="")  # the next pull is a full one again

    with django_capture_on_commit_callbacks(execute=True):
        report = connection_sync(connection=connection, now=LATER)

    assert (report.created, report.updated, report.deleted) == (0, 0, 0)
    assert len(received) == 1
    assert received[0]["origin"] == ChangeOrigin.sync(connection_id=connection.connection_id)
    assert live(connection)["a"].updated_at == NOW


def test_a_reordered_pull_changes_nothing(world, connection):
    for n in range(5):
        world.put("primary", remote(f"e{n}", n))
    connection_sync(connection=connection, now=NOW)
    SyncedCalendar.objects.update(sync_state="")
    world.reverse_pages = True

    report = connection_sync(connection=connection, now=LATER)

    assert (report.created, report.updated, report.deleted) == (0, 0, 0)
    assert len(live(connection)) == 5


def test_incremental_pulls_upsert_and_delete(world, connection):
    world.put("primary", remote("a"))
    world.put("primary", remote("b", 2))
    connection_sync(connection=connection, now=NOW)
    world.put("primary", remote("a", 4, summary="Moved"))
    world.delete("primary", "b")
    world.put("primary", remote("c", 6))

    report = connection_sync(connection=connection, now=LATER)

    assert world.pulls[-1][1] is not None  # incremental: the stored state was sent
    assert (report.created, report.updated, report.deleted) == (1, 1, 1)
    events = live(connection)
    assert set(events) == {"a", "c"}
    assert events["a"].summary == "Moved"


def test_a_day_after_the_last_full_pull_the_next_pull_is_full_again(world, connection, settings):
    """The window moves on: a weekly series' instance that enters it is no change a sync token
    reports, so the calendar is pulled in full once a day."""
    settings.SYNC_FULL_PULL_HOURS = 24
    world.put("primary", remote("a"))
    connection_sync(connection=connection, now=NOW)
    connection_sync(connection=connection, now=NOW + dt.timedelta(hours=23))
    assert world.pulls[-1][1] is not None  # still incremental
    connection_sync(connection=connection, now=NOW + dt.timedelta(hours=24))
    assert world.pulls[-1][1] is None  # full again
    connection_sync(connection=connection, now=NOW + dt.timedelta(hours=25))
    assert world.pulls[-1][1] is not None  # and incremental after it
    assert set(live(connection)) == {"a"}


def test_an_expired_state_restarts_with_a_full_pull_without_duplicates(world, connection):
    world.put("primary", remote("a"))
    world.put("primary", remote("b", 2))
    connection_sync(connection=connection, now=NOW)
    world.delete("primary", "b")
    world.put("primary", remote("c", 4))
    world.expire_states("primary")

    report = connection_sync(connection=connection, now=LATER)

    assert report.error == ""
    assert [state is None for _, state in world.pulls[-2:]] == [False, True]
    assert set(live(connection)) == {"a", "c"}
    assert Event.objects.filter(external_id="a").count() == 1


def test_a_revoked_grant_marks_the_connection_broken_and_reconnecting_resumes(
    world, connection, person
):
    world.put("primary", remote("a"))
    connection_sync(connection=connection, now=NOW)
    world.revoked = True

    report = connection_sync(connection=connection, now=LATER)

    connection.refresh_from_db()
    assert connection.state == Connection.State.BROKEN
    assert "GrantBroken" in report.error
    assert connection.last_error == report.error
    assert connection.profile.connected is False
    assert connection_sync(connection=connection, now=LATER).reason == "the connection is broken"

    world.revoked = False
    world.put("primary", remote("b", 2))
    again = activate(person, now=LATER)  # the person connects the same account again
    report = connection_sync(connection=again, now=LATER)

    assert again.pk == connection.pk
    assert report.error == ""
    assert set(live(connection)) == {"a", "b"}
    assert Event.objects.count() == 2
    assert SyncedCalendar.objects.count() == 1


def test_rate_limits_honour_retry_after_and_a_sync_before_then_does_nothing(world, connection):
    world.errors.append(rate_limited(600))

    report = connection_sync(connection=connection, now=NOW)

    connection.refresh_from_db()
    assert "RateLimited" in report.error
    assert connection.failures == 1
    assert connection.retry_after == NOW + dt.timedelta(seconds=600)
    early = connection_sync(connection=connection, now=NOW + dt.timedelta(seconds=599))
    assert (early.ran, early.reason.startswith("backing off until")) == (False, True)
    assert len(world.pulls) == 0
    after = connection_sync(connection=connection, now=NOW + dt.timedelta(seconds=600))
    assert after.ran
    assert after.error == ""
    connection.refresh_from_db()
    assert (connection.failures, connection.retry_after, connection.last_error) == (0, None, "")


def test_backoff_grows_exponentially_up_to_an_hour(world, connection):
    now, delays = NOW, []
    for _ in range(9):
        world.errors.append(ProviderRefused("400 Bad Request"))
        connection_sync(connection=connection, now=now)
        connection.refresh_from_db()
        delays.append((connection.retry_after - now).total_seconds())
        now = connection.retry_after

    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert connection.last_error == "ProviderRefused: 400 Bad Request"
    assert backoff_delay(1, retry_after=90) == dt.timedelta(seconds=90)


def test_errors_never_carry_the_connections_secrets(world, connection):
    world.errors.append(ProviderRefused(f"refused token {ACCESS_TOKEN}"))

    report = connection_sync(connection=connection, now=NOW)

    connection.refresh_from_db()
    assert ACCESS_TOKEN not in report.error
    assert ACCESS_TOKEN not in connection.last_error
    assert "[secret]" in connection.last_error


def test_an_unexpected_adapter_error_backs_off_without_its_text(world, connection):
    world.errors.append(RuntimeError(f"https://x.test/?token={ACCESS_TOKEN}"))

    report = connection_sync(connection=connection, now=NOW)

    connection.refresh_from_db()
    assert report.error == connection.last_error == "unexpected error (RuntimeError)"
    assert connection.retry_after == NOW + dt.timedelta(seconds=30)


def test_recurring_instances_and_deleted_or_replaced_series(world, connection):
    for day in range(3):
        world.put("primary", remote(f"weekly#{day}", 24 * day))
        world.put("primary", remote(f"daily#{day}", 24 * day + 2))
    connection_sync(connection=connection, now=NOW)
    world.delete_series("primary", "weekly")
    world.replace_series("primary", "daily", [remote("daily#1", 26), remote("daily#5", 122)])

    report = connection_sync(connection=connection, now=LATER)

    assert set(live(connection)) == {"daily#1", "daily#5"}
    assert (report.created, report.deleted) == (1, 5)


def test_cancelled_instances_are_deleted(world, connection):
    world.put("primary", remote("s#1"))
    world.put("primary", remote("s#2", 24))
    connection_sync(connection=connection, now=NOW)
    world.put("primary", remote("s#2", 24, status="cancelled"))

    connection_sync(connection=connection, now=LATER)

    assert set(live(connection)) == {"s#1"}


def test_all_day_events_keep_their_dates_and_zone_and_transparency(world, connection):
    day = dt.date(2025, 3, 4)
    world.put(
        "primary",
        RemoteEvent("holiday", day, day + dt.timedelta(days=1), tzid="Europe/Berlin"),
    )
    world.put("primary", remote("free", transparent=True, status="tentative"))

    connection_sync(connection=connection, now=NOW)

    events = live(connection)
    assert events["holiday"].all_day
    assert events["holiday"].start_date == day
    assert events["holiday"].start == dt.datetime(2025, 3, 3, 23, tzinfo=dt.UTC)
    assert events["free"].transparency == "transparent"
    assert events["free"].status == "tentative"


def test_vanished_calendars_are_deleted_and_come_back(world, connection, settings):
    settings.PUBLIC_BASE_URL = "https://scheduling.example.test"
    world.add_calendar("team", "Team")
    world.put("team", remote("t"))
    connection_sync(connection=connection, now=NOW)
    team = SyncedCalendar.objects.get(remote_id="team")
    assert team.push_channel_id
    del world.calendars["team"]

    connection_sync(connection=connection, now=LATER)
    team.refresh_from_db()
    assert team.calendar.deleted is True
    assert team.sync_state == ""
    assert team.push_channel_id == ""

    world.add_calendar("team", "Team")
    connection_sync(connection=connection, now=LATER)
    team.calendar.refresh_from_db()
    assert team.calendar.deleted is False


def test_calendars_with_the_same_name_get_unique_names(world, connection):
    world.add_calendar("other", "Work")

    connection_sync(connection=connection, now=NOW)
    connection_sync(connection=connection, now=LATER)

    names = Calendar.objects.filter(profile=connection.profile).values_list("name", flat=True)
    assert sorted(names) == ["Work", "Work (2)"]


def test_renamed_remote_calendars_are_renamed(world, connection):
    connection_sync(connection=connection, now=NOW)
    world.calendars["primary"].name = "Office"

    connection_sync(connection=connection, now=LATER)

    assert Calendar.objects.get(profile=connection.profile).name == "Office"


def test_synced_calendar_sync_pulls_one_calendar(world, connection):
    world.add_calendar("team", "Team")
    connection_sync(connection=connection, now=NOW)
    world.put("team", remote("t"))
    world.put("primary", remote("p"))
    pulls = len(world.pulls)

    report = synced_calendar_sync(
        synced_calendar=SyncedCalendar.objects.get(remote_id="team"), now=LATER
    )

    assert report.created == 1
    assert [c for c, _ in world.pulls[pulls:]] == ["team"]
    assert set(live(connection)) == {"t"}


def test_a_pending_connection_is_not_synced(world, connection):
    Connection.objects.filter(pk=connection.pk).update(state=Connection.State.PENDING)

    report = connection_sync(connection=connection, now=NOW)

    assert (report.ran, report.reason) == (False, "the connection is pending")
    assert world.pulls == []
