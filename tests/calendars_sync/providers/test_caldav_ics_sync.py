"""The sync end to end with the CalDAV adapter against a real Radicale and the ICS adapter against
a local feed: first import, incremental changes (RFC 6578 sync-token; ETag for feeds), deletion,
and write-back of an API event into the CalDAV calendar."""

import datetime as dt

import pytest

from calendars_sync.models import SyncedCalendar
from calendars_sync.services.connections import connection_activate, connection_ensure
from calendars_sync.services.sync import connection_sync
from scheduling.models import Event
from scheduling.services.events import event_upsert
from scheduling.timeformat import TimeValue
from tests.calendars_sync.conftest import NOW
from tests.factories import make_account

pytestmark = pytest.mark.django_db
DAY = (NOW + dt.timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)


def vevent(uid: str, hour: int, summary: str = "Busy", extra: str = "") -> str:
    start, end = DAY + dt.timedelta(hours=hour), DAY + dt.timedelta(hours=hour + 1)
    stamp = "%Y%m%dT%H%M%SZ"
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:{start.strftime(stamp)}\r\nDTSTART:{start.strftime(stamp)}\r\n"
        f"DTEND:{end.strftime(stamp)}\r\nSUMMARY:{summary}\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def live(account) -> dict[str, tuple[str, dt.datetime]]:
    events = Event.objects.filter(
        calendar__account=account, deleted=False, external_id__isnull=False
    )
    return {e.summary: e.start for e in events}


@pytest.fixture
def person(app_creds):
    return make_account(app_creds.application, name="Dav")


def connect(person, provider, external, secrets):
    pending = connection_ensure(account=person, provider=provider, external_account=external)
    return connection_activate(connection=pending, secrets=secrets, now=NOW)


@pytest.fixture
def caldav_connection(person, caldav_user):
    credentials, _ = caldav_user
    secrets = {
        "url": credentials.url,
        "username": credentials.username,
        "password": credentials.password,
    }
    return connect(person, "caldav", credentials.username, secrets)


def test_caldav_import_then_changes_by_sync_token(person, caldav_user, caldav_connection):
    _, calendar = caldav_user
    calendar.save_event(vevent("a", 9, "Standup"))
    first = connection_sync(connection=caldav_connection, now=NOW)
    assert first.error == ""
    assert live(person) == {"Standup": DAY + dt.timedelta(hours=9)}
    state = SyncedCalendar.objects.get(connection=caldav_connection).sync_state
    assert "sync_token" in state
    calendar.save_event(vevent("b", 14, "Review"))
    calendar.event_by_uid("a").delete()
    connection_sync(connection=caldav_connection, now=NOW + dt.timedelta(minutes=1))
    assert live(person) == {"Review": DAY + dt.timedelta(hours=14)}


def test_a_repeated_caldav_pull_changes_nothing(person, caldav_user, caldav_connection):
    _, calendar = caldav_user
    calendar.save_event(vevent("a", 9))
    connection_sync(connection=caldav_connection, now=NOW)
    stamp = Event.objects.get(calendar__account=person, external_id__isnull=False).updated_at
    again = connection_sync(connection=caldav_connection, now=NOW + dt.timedelta(minutes=1))
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert (
        Event.objects.get(calendar__account=person, external_id__isnull=False).updated_at == stamp
    )


def test_an_api_event_is_written_into_the_caldav_calendar(
    app_creds, person, caldav_user, caldav_connection, django_capture_on_commit_callbacks
):
    _, calendar = caldav_user
    connection_sync(connection=caldav_connection, now=NOW)
    local = person.calendars.get(primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        event_upsert(
            account=person,
            application=app_creds.application,
            calendar_id=local.calendar_id,
            event_id="lunch-1",
            summary="Lunch",
            start=TimeValue(DAY + dt.timedelta(hours=12)),
            end=TimeValue(DAY + dt.timedelta(hours=13)),
        )
    [written] = calendar.events()
    assert written.icalendar_component["SUMMARY"] == "Lunch"
    # Its copy is ours: the next pull does not import it as an external event.
    connection_sync(connection=caldav_connection, now=NOW + dt.timedelta(minutes=1))
    assert live(person) == {}


def test_an_ics_feed_is_imported_and_followed_by_its_etag(person, ics_server):
    ics_server.put("/team.ics", vevent("a", 9, "Standup"))
    url = ics_server.url("/team.ics")
    connection = connect(person, "ics", url, {"url": url})
    connection_sync(connection=connection, now=NOW)
    assert live(person) == {"Standup": DAY + dt.timedelta(hours=9)}
    connection_sync(connection=connection, now=NOW + dt.timedelta(minutes=1))
    assert ics_server.requests[-1].headers.get("If-None-Match")
    ics_server.put("/team.ics", vevent("b", 15, "Retro"))
    connection_sync(connection=connection, now=NOW + dt.timedelta(minutes=2))
    assert live(person) == {"Retro": DAY + dt.timedelta(hours=15)}
