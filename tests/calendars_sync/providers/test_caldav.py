"""The CalDAV adapter against a real Radicale server on 127.0.0.1 (tests/fakes/radicale.py).

Changes are made with the caldav library directly, as another client of the same calendar would."""

import datetime as dt
import json

import caldav
import pytest
import vobject

from calendars_sync.providers import caldav as caldav_provider
from calendars_sync.providers.base import (
    SERIES_SEPARATOR,
    Credentials,
    GrantBroken,
    OutgoingEvent,
    ProviderRefused,
    PushUnsupported,
    RateLimited,
    SyncStateExpired,
)
from calendars_sync.providers.caldav import CalDAVAdapter, href_of
from tests.fakes.radicale import RadicaleServer

WINDOW = (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC))


def vcalendar(*vevents: str) -> str:
    body = "".join(
        f"BEGIN:VEVENT\nDTSTAMP:20261001T000000Z\n{v.strip()}\nEND:VEVENT\n" for v in vevents
    )
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{body}END:VCALENDAR\n"


# A weekly series that began last year: its master lies outside the window, instances inside.
WEEKLY = """
UID:weekly
DTSTART;TZID=America/New_York:20250106T090000
DTEND;TZID=America/New_York:20250106T100000
RRULE:FREQ=WEEKLY;UNTIL=20261117T000000Z
SUMMARY:Standup
"""
ALL_DAY = "UID:holiday\nDTSTART;VALUE=DATE:20261111\nDTEND;VALUE=DATE:20261112\nSUMMARY:Off\n"
LATER = "UID:later\nDTSTART:20270301T100000Z\nDTEND:20270301T110000Z\nSUMMARY:Out of window\n"


@pytest.fixture
def account(caldav_user):
    credentials, calendar = caldav_user
    return CalDAVAdapter(credentials), calendar, str(calendar.url)


@pytest.fixture
def filled(account):
    adapter, calendar, calendar_id = account
    objects = {
        name: calendar.save_event(vcalendar(text))
        for name, text in (("weekly", WEEKLY), ("holiday", ALL_DAY), ("later", LATER))
    }
    return adapter, calendar, calendar_id, {name: href_of(o.url) for name, o in objects.items()}


def put(calendar: caldav.Calendar, href: str, text: str) -> None:
    """Replace an object as another client would (a plain PUT: caldav's `save()` rewrites
    recurring objects)."""
    calendar.client.put(str(calendar.url.join(href)), text, {"Content-Type": "text/calendar"})


def series_of(remote_id: str) -> str:
    return remote_id.split(SERIES_SEPARATOR, 1)[0]


def test_calendars_lists_the_users_calendars(caldav_user):
    credentials, calendar = caldav_user

    (found,) = CalDAVAdapter(credentials).calendars()

    assert (found.remote_id, found.name, found.primary) == (str(calendar.url), "Work", True)


def test_calendars_with_a_wrong_password_is_grant_broken(caldav_user):
    credentials, _ = caldav_user
    wrong = Credentials(url=credentials.url, username=credentials.username, password="nope")

    with pytest.raises(GrantBroken):
        CalDAVAdapter(wrong).calendars()


def test_unreachable_server_is_refused(radicale):
    closed = Credentials(url="http://127.0.0.1:9/", username="a", password="b")

    with pytest.raises(ProviderRefused):
        CalDAVAdapter(closed).calendars()


def test_a_server_that_is_not_caldav_is_refused(ics_server):
    credentials = Credentials(url=ics_server.url("/"), username="a", password="b")

    with pytest.raises(ProviderRefused):
        CalDAVAdapter(credentials).calendars()


def test_503_with_retry_after_is_rate_limited(ics_server):
    ics_server.fail_next(503, retry_after=30, times=5)
    credentials = Credentials(url=ics_server.url("/"), username="a", password="b")

    with pytest.raises(RateLimited) as raised:
        CalDAVAdapter(credentials).calendars()

    assert raised.value.retry_after == 30


def test_full_pull_expands_the_series_within_the_window_and_keeps_all_day_dates(filled):
    adapter, _, calendar_id, hrefs = filled

    pull = adapter.pull(calendar_id, state=None, window=WINDOW)

    assert pull.full
    by_id = {event.remote_id: event for event in pull.events}
    weekly = sorted(rid for rid in by_id if series_of(rid) == hrefs["weekly"])
    assert len(weekly) == 7  # Mondays 5 Oct .. 16 Nov
    assert weekly[0] == f"{hrefs['weekly']}#20261005T130000Z"
    assert weekly[-1] == f"{hrefs['weekly']}#20261116T140000Z"  # 09:00 New York after DST
    assert by_id[hrefs["holiday"]].start == dt.date(2026, 11, 11)
    assert hrefs["later"] not in {series_of(rid) for rid in by_id}
    assert json.loads(pull.state)["sync_token"]


def test_incremental_pull_reports_created_updated_and_deleted_objects(filled):
    adapter, calendar, calendar_id, hrefs = filled
    first = adapter.pull(calendar_id, state=None, window=WINDOW)
    created = calendar.save_event(
        vcalendar("UID:new\nDTSTART:20261020T150000Z\nDTEND:20261020T160000Z\nSUMMARY:New\n")
    )
    updated = WEEKLY + "EXDATE;TZID=America/New_York:20261102T090000\n"
    put(calendar, hrefs["weekly"], vcalendar(updated))
    calendar.event_by_url(hrefs["holiday"]).delete()

    pull = adapter.pull(calendar_id, state=first.state, window=WINDOW)

    assert not pull.full
    assert sorted(pull.replaced_series) == sorted([href_of(created.url), hrefs["weekly"]])
    assert pull.deleted_series == [hrefs["holiday"]]
    weekly = [e.remote_id for e in pull.events if series_of(e.remote_id) == hrefs["weekly"]]
    assert len(weekly) == 6
    assert f"{hrefs['weekly']}#20261102T140000Z" not in weekly
    assert href_of(created.url) in {e.remote_id for e in pull.events}


def test_incremental_pull_without_changes_is_empty(filled):
    adapter, _, calendar_id, _ = filled
    first = adapter.pull(calendar_id, state=None, window=WINDOW)

    pull = adapter.pull(calendar_id, state=first.state, window=WINDOW)

    assert (pull.events, pull.deleted_series, pull.replaced_series) == ([], [], [])


def test_an_invalid_sync_token_is_sync_state_expired(filled):
    adapter, _, calendar_id, _ = filled
    stale = json.dumps({"sync_token": "http://radicale.org/ns/sync/0000"})

    with pytest.raises(SyncStateExpired):
        adapter.pull(calendar_id, state=stale, window=WINDOW)


def test_without_sync_tokens_ctag_and_etags_find_the_changes(filled, monkeypatch):
    adapter, calendar, calendar_id, hrefs = filled
    monkeypatch.setattr(CalDAVAdapter, "_current_token", lambda self, calendar: None)
    first = adapter.pull(calendar_id, state=None, window=WINDOW)
    assert set(json.loads(first.state)["etags"]) == set(hrefs.values())
    unchanged = adapter.pull(calendar_id, state=first.state, window=WINDOW)
    calendar.event_by_url(hrefs["later"]).delete()
    moved = ALL_DAY.replace("20261111", "20261112").replace("20261112\nSUMMARY", "20261113\nSUM")
    put(calendar, hrefs["holiday"], vcalendar(moved))

    pull = adapter.pull(calendar_id, state=first.state, window=WINDOW)

    assert (unchanged.events, unchanged.replaced_series, unchanged.state) == ([], [], first.state)
    assert pull.deleted_series == [hrefs["later"]]
    assert pull.replaced_series == [hrefs["holiday"]]
    assert [e.start for e in pull.events] == [dt.date(2026, 11, 12)]


def test_event_put_creates_updates_and_deletes_a_valid_object(account):
    adapter, calendar, calendar_id = account
    event = OutgoingEvent(
        summary="Booking",
        start=dt.datetime(2026, 11, 3, 14, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 3, 15, tzinfo=dt.UTC),
        tzid="America/New_York",
        uid="bkg_1@platform",
    )

    remote_id = adapter.event_put(calendar_id, event, remote_id=None)
    stored = calendar.event_by_url(remote_id)
    stored.load()
    vobject.readOne(stored.data).validate()
    assert "DTSTART;TZID=America/New_York:20261103T090000" in stored.data

    moved = OutgoingEvent(
        **{**event.__dict__, "start": event.end, "end": event.end + dt.timedelta(hours=1)}
    )
    assert adapter.event_put(calendar_id, moved, remote_id=remote_id) == remote_id
    (found,) = adapter.pull(calendar_id, state=None, window=WINDOW).events
    assert (found.remote_id, found.start) == (remote_id, moved.start)

    adapter.event_delete(calendar_id, remote_id)
    adapter.event_delete(calendar_id, remote_id)  # already gone: no error
    assert adapter.pull(calendar_id, state=None, window=WINDOW).events == []


def test_writing_one_instance_of_a_series_is_refused(account):
    adapter, _, calendar_id = account

    with pytest.raises(ProviderRefused):
        adapter.event_delete(calendar_id, "/u/cal/weekly.ics#20261102T140000Z")


def test_push_is_unsupported(account):
    adapter, _, calendar_id = account

    with pytest.raises(PushUnsupported):
        adapter.push_start(calendar_id, callback_url="http://x/", channel_id="c", token="t")


def test_a_private_server_address_is_refused_unless_allowed(caldav_user, settings):
    credentials, _ = caldav_user
    settings.CALLBACK_ALLOWED_NETWORKS = []

    with pytest.raises(ProviderRefused, match="loopback"):
        CalDAVAdapter(credentials).calendars()


def test_module_is_reached_through_adapter_for():
    from calendars_sync.providers import adapter_for

    adapter = adapter_for("caldav", Credentials(url="http://127.0.0.1:1/"))

    assert isinstance(adapter, caldav_provider.CalDAVAdapter)
    assert caldav.DAVClient  # the library, not this module, answers to `import caldav`


def test_items_written_into_radicales_storage_are_pulled(account, radicale):
    adapter, calendar, calendar_id = account
    items = {
        f"seed{i}.ics": vcalendar(f"UID:seed{i}\nDTSTART:2026110{i}T100000Z\nDURATION:PT1H\n")
        for i in range(1, 4)
    }

    radicale.write_items(href_of(calendar.url), items)

    pull = adapter.pull(calendar_id, state=None, window=WINDOW)
    assert sorted(e.remote_id.rsplit("/", 1)[1] for e in pull.events) == sorted(items)


@pytest.mark.parametrize("state", ["not json", "{}", "[1]"])
def test_an_unreadable_state_is_sync_state_expired(account, state):
    adapter, _, calendar_id = account

    with pytest.raises(SyncStateExpired):
        adapter.pull(calendar_id, state=state, window=WINDOW)


def test_a_calendar_larger_than_the_servers_report_cap_is_pulled_in_smaller_requests(monkeypatch):
    """Radicale refuses a REPORT answer of more VEVENTs than its cap (10,000 by default) with a
    400: a full pull asks for the data in chunks, and halves a chunk the server refuses."""
    monkeypatch.setattr(caldav_provider, "MULTIGET_CHUNK", 8)
    with RadicaleServer(max_report_events=5) as server:
        server.add_user("big", "secret")
        client = caldav.DAVClient(
            url=server.url, username="big", password="secret", enable_rfc6764=False
        )
        calendar = client.principal().make_calendar(name="Big")
        items = {
            f"big{i}.ics": vcalendar(f"UID:big{i}\nDTSTART:202611{i:02d}T100000Z\nDURATION:PT1H\n")
            for i in range(1, 13)
        }
        server.write_items(href_of(calendar.url), items)
        credentials = Credentials(url=server.url, username="big", password="secret")
        with pytest.raises(caldav.lib.error.ReportError):
            calendar.search(event=True, start=WINDOW[0], end=WINDOW[1])  # one answer: refused

        pull = CalDAVAdapter(credentials).pull(str(calendar.url), state=None, window=WINDOW)

        client.close()
    assert sorted(e.remote_id.rsplit("/", 1)[1] for e in pull.events) == sorted(items)
