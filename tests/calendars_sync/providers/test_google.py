"""GoogleAdapter through google-api-python-client against the local fake Google."""

import datetime as dt
import email.utils
import time
from zoneinfo import ZoneInfo

import pytest

from calendars_sync.providers.base import (
    Credentials,
    GrantBroken,
    OutgoingEvent,
    ProviderRefused,
    PushChannel,
    RateLimited,
    SyncStateExpired,
)
from calendars_sync.providers.google import GoogleAdapter

EMAIL = "ann@example.com"
BERLIN = ZoneInfo("Europe/Berlin")
WINDOW = (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, tzinfo=dt.UTC))


@pytest.fixture
def google(fake_google):
    fake_google.add_user(EMAIL)
    return fake_google


@pytest.fixture
def adapter(google):
    return GoogleAdapter(Credentials(access_token=google.grant(EMAIL)["access_token"]))


def _event(day: int, summary: str = "Busy", **extra) -> dict:
    return {
        "summary": summary,
        "start": {"dateTime": f"2026-12-{day:02d}T09:00:00Z"},
        "end": {"dateTime": f"2026-12-{day:02d}T10:00:00Z"},
        **extra,
    }


def _full(adapter):
    return adapter.pull(EMAIL, state=None, window=WINDOW)


def test_calendars_lists_primary_and_read_only_calendars(google, adapter):
    google.add_calendar(EMAIL, "Team", access_role="writer", calendar_id="team@group")
    google.add_calendar(EMAIL, "Holidays", access_role="reader", calendar_id="hol@group")

    found = {calendar.remote_id: calendar for calendar in adapter.calendars()}

    assert found[EMAIL].primary
    assert not found[EMAIL].readonly
    assert (found["team@group"].name, found["team@group"].readonly) == ("Team", False)
    assert found["hol@group"].readonly


def test_full_pull_follows_pages_of_2500(google, adapter):
    for index in range(2501):
        google.put_event(EMAIL, _event(1 + index % 28, summary=f"e{index}"))

    pull = _full(adapter)

    assert pull.full
    assert len({event.remote_id for event in pull.events}) == 2501
    lists = [r for r in google.requests if r.path.endswith("/events") and r.method == "GET"]
    assert [r.query["maxResults"] for r in lists] == ["2500", "2500"]
    assert "pageToken" in lists[1].query
    assert lists[0].query["singleEvents"] == "true"
    assert lists[0].query["showDeleted"] == "false"


@pytest.mark.timing
def test_a_full_pull_of_10000_events_takes_little_cpu(google, adapter):
    # bench/sync.py's target is 5 s for the whole import; the adapter and the fake (same
    # process) must leave most of it to the database.
    start = dt.datetime(2026, 10, 2, tzinfo=dt.UTC)
    for index in range(10_000):
        begins = start + dt.timedelta(minutes=10 * index)
        google.put_event(
            EMAIL,
            {
                "summary": f"e{index}",
                "start": {"dateTime": begins.isoformat()},
                "end": {"dateTime": (begins + dt.timedelta(minutes=5)).isoformat()},
            },
        )
    cpu = time.process_time()

    pull = _full(adapter)

    assert len(pull.events) == 10_000
    used = time.process_time() - cpu
    assert used < 1.0
    assert sum(r.path.endswith("/events") for r in google.requests) == 4


def test_full_pull_keeps_to_the_window(google, adapter):
    google.put_event(EMAIL, _event(1, summary="inside"))
    google.put_event(
        EMAIL,
        {
            "summary": "before",
            "start": {"dateTime": "2026-09-01T09:00:00Z"},
            "end": {"dateTime": "2026-09-01T10:00:00Z"},
        },
    )

    pull = _full(adapter)

    assert [event.summary for event in pull.events] == ["inside"]


def test_a_timed_event_arrives_with_its_zone_and_flags(google, adapter):
    stored = google.put_event(
        EMAIL,
        {
            "summary": "Lunch",
            "location": "Café",
            "description": "with Bob",
            "start": {"dateTime": "2026-12-01T12:00:00+01:00", "timeZone": "Europe/Berlin"},
            "end": {"dateTime": "2026-12-01T13:00:00+01:00", "timeZone": "Europe/Berlin"},
            "transparency": "transparent",
            "status": "tentative",
        },
    )

    [event] = _full(adapter).events

    assert event.remote_id == stored["id"]
    assert event.start == dt.datetime(2026, 12, 1, 11, tzinfo=dt.UTC)
    assert event.end == dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    assert (event.summary, event.location, event.description) == ("Lunch", "Café", "with Bob")
    assert event.tzid == "Europe/Berlin"
    assert event.transparent
    assert event.status == "tentative"


def test_an_all_day_event_arrives_as_dates(google, adapter):
    google.put_event(
        EMAIL, {"summary": "Away", "start": {"date": "2026-12-24"}, "end": {"date": "2026-12-27"}}
    )

    [event] = _full(adapter).events

    assert (event.start, event.end) == (dt.date(2026, 12, 24), dt.date(2026, 12, 27))


def test_incremental_pull_brings_additions_changes_and_deletions(google, adapter):
    kept = google.put_event(EMAIL, _event(1, summary="kept"))
    gone = google.put_event(EMAIL, _event(2, summary="gone"))
    first = _full(adapter)
    google.put_event(EMAIL, {**kept, "summary": "renamed"})
    google.delete_event(EMAIL, gone["id"])
    added = google.put_event(EMAIL, _event(3, summary="added"))

    second = adapter.pull(EMAIL, state=first.state, window=WINDOW)
    third = adapter.pull(EMAIL, state=second.state, window=WINDOW)

    assert not second.full
    assert {e.remote_id: e.summary for e in second.events} == {
        kept["id"]: "renamed",
        added["id"]: "added",
    }
    assert second.deleted_series == [gone["id"]]
    assert second.deleted == []
    assert (third.events, third.deleted, third.deleted_series) == ([], [], [])
    syncs = [r.query for r in google.requests if "syncToken" in r.query]
    assert all("timeMin" not in query for query in syncs)
    assert all(query["showDeleted"] == "true" for query in syncs)


def test_an_expired_sync_token_raises_sync_state_expired(google, adapter):
    state = _full(adapter).state
    google.expire_sync_tokens()

    with pytest.raises(SyncStateExpired):
        adapter.pull(EMAIL, state=state, window=WINDOW)


def test_a_revoked_grant_raises_grant_broken(google, adapter):
    google.revoke(EMAIL)

    with pytest.raises(GrantBroken):
        adapter.calendars()
    with pytest.raises(GrantBroken):
        _full(adapter)


def test_429_raises_rate_limited_with_retry_after(google, adapter):
    google.fail_next(429, retry_after=7)

    with pytest.raises(RateLimited) as raised:
        _full(adapter)

    assert raised.value.retry_after == 7.0
    assert len(google.requests) == 1  # the client library did not retry on its own


def test_retry_after_as_an_http_date_becomes_seconds(google, adapter):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)
    google.fail_next(503, retry_after=email.utils.format_datetime(later, usegmt=True))

    with pytest.raises(RateLimited) as raised:
        _full(adapter)

    assert 100 < raised.value.retry_after <= 120


def test_5xx_and_403_rate_limits_raise_rate_limited(google, adapter):
    google.fail_next(503)
    google.fail_next(403, reason="userRateLimitExceeded")

    for _ in range(2):
        with pytest.raises(RateLimited) as raised:
            _full(adapter)
        assert raised.value.retry_after is None


def test_another_refusal_raises_provider_refused(google, adapter):
    google.add_calendar(EMAIL, "Holidays", access_role="reader", calendar_id="hol@group")
    event = OutgoingEvent(summary="x", start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 2))

    with pytest.raises(ProviderRefused):
        adapter.event_put("hol@group", event, remote_id=None)


def test_an_unreachable_google_raises_rate_limited(google, adapter):
    google.stop()

    with pytest.raises(RateLimited):
        adapter.calendars()


# --- recurrence -----------------------------------------------------------------------------


def test_a_series_arrives_as_instances_within_the_window(google, adapter):
    series = google.put_event(EMAIL, _event(29, recurrence=["RRULE:FREQ=DAILY;COUNT=10"]))

    pull = _full(adapter)

    assert [event.remote_id for event in pull.events] == [
        f"{series['id']}#20261229T090000Z",
        f"{series['id']}#20261230T090000Z",
        f"{series['id']}#20261231T090000Z",
    ]


def test_an_all_day_series_until_a_date_includes_that_date(google, adapter):
    google.put_event(
        EMAIL,
        {
            "summary": "Away",
            "start": {"date": "2026-12-01"},
            "end": {"date": "2026-12-02"},
            "recurrence": ["RRULE:FREQ=DAILY;UNTIL=20261203"],
        },
    )

    pull = _full(adapter)

    assert [event.start for event in pull.events] == [
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 3),
    ]
    assert pull.events[2].end == dt.date(2026, 12, 4)
    assert pull.events[2].remote_id.endswith("#20261203")


def test_a_series_added_later_arrives_as_instances_of_the_first_window(google, adapter):
    state = _full(adapter).state
    series = google.put_event(EMAIL, _event(30, recurrence=["RRULE:FREQ=DAILY"]))

    pull = adapter.pull(EMAIL, state=state, window=WINDOW)

    assert [event.remote_id for event in pull.events] == [
        f"{series['id']}#20261230T090000Z",
        f"{series['id']}#20261231T090000Z",
    ]


def test_a_cancelled_instance_arrives_as_a_deleted_instance_id(google, adapter):
    series = google.put_event(EMAIL, _event(1, recurrence=["RRULE:FREQ=DAILY;COUNT=3"]))
    state = _full(adapter).state
    google.delete_event(EMAIL, f"{series['id']}_20261202T090000Z")

    pull = adapter.pull(EMAIL, state=state, window=WINDOW)

    assert pull.deleted == [f"{series['id']}#20261202T090000Z"]
    assert pull.deleted_series == []


def test_a_deleted_series_arrives_as_deleted_series(google, adapter):
    series = google.put_event(EMAIL, _event(1, recurrence=["RRULE:FREQ=DAILY;COUNT=3"]))
    state = _full(adapter).state
    google.delete_event(EMAIL, series["id"])

    pull = adapter.pull(EMAIL, state=state, window=WINDOW)

    assert pull.deleted_series == [series["id"]]
    assert pull.events == []


def test_a_shortened_series_cancels_its_lost_instances(google, adapter):
    series = google.put_event(EMAIL, _event(1, recurrence=["RRULE:FREQ=DAILY;COUNT=3"]))
    state = _full(adapter).state
    google.put_event(EMAIL, {**series, "recurrence": ["RRULE:FREQ=DAILY;COUNT=2"]})

    pull = adapter.pull(EMAIL, state=state, window=WINDOW)

    assert len(pull.events) == 2
    assert pull.deleted == [f"{series['id']}#20261203T090000Z"]


def test_a_moved_instance_keeps_its_instance_id(google, adapter):
    series = google.put_event(EMAIL, _event(1, recurrence=["RRULE:FREQ=DAILY;COUNT=3"]))
    state = _full(adapter).state
    moved = OutgoingEvent(
        summary="Later",
        start=dt.datetime(2026, 12, 2, 15, tzinfo=dt.UTC),
        end=dt.datetime(2026, 12, 2, 16, tzinfo=dt.UTC),
    )

    adapter.event_put(EMAIL, moved, remote_id=f"{series['id']}#20261202T090000Z")
    [event] = adapter.pull(EMAIL, state=state, window=WINDOW).events

    assert event.remote_id == f"{series['id']}#20261202T090000Z"
    assert (event.summary, event.start.hour) == ("Later", 15)
    assert [e.summary for e in _full(adapter).events] == ["Busy", "Later", "Busy"]


def test_a_weekly_berlin_series_keeps_nine_oclock_across_the_october_change(google, adapter):
    # Summer time ends on Sunday 25 October 2026: 09:00 is 07:00 UTC before, 08:00 UTC after.
    series = google.put_event(
        EMAIL,
        {
            "summary": "Stand-up",
            "start": {"dateTime": "2026-10-19T09:00:00", "timeZone": "Europe/Berlin"},
            "end": {"dateTime": "2026-10-19T09:30:00", "timeZone": "Europe/Berlin"},
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=2"],
        },
    )

    before, after = _full(adapter).events

    assert before.start.astimezone(dt.UTC) == dt.datetime(2026, 10, 19, 7, tzinfo=dt.UTC)
    assert after.start.astimezone(dt.UTC) == dt.datetime(2026, 10, 26, 8, tzinfo=dt.UTC)
    assert before.start.astimezone(BERLIN).hour == after.start.astimezone(BERLIN).hour == 9
    assert after.end - after.start == dt.timedelta(minutes=30)
    assert after.remote_id == f"{series['id']}#20261026T080000Z"
    assert after.tzid == "Europe/Berlin"


# --- writes ---------------------------------------------------------------------------------


def test_event_put_creates_updates_and_event_delete_deletes(google, adapter):
    event = OutgoingEvent(
        summary="Booked",
        start=dt.datetime(2026, 12, 1, 9, tzinfo=BERLIN),
        end=dt.datetime(2026, 12, 1, 10, tzinfo=BERLIN),
        tzid="Europe/Berlin",
        location="Room A",
    )

    remote_id = adapter.event_put(EMAIL, event, remote_id=None)
    same_id = adapter.event_put(
        EMAIL, OutgoingEvent(**{**event.__dict__, "summary": "Moved"}), remote_id=remote_id
    )
    [pulled] = _full(adapter).events
    adapter.event_delete(EMAIL, remote_id)

    assert same_id == remote_id
    assert (pulled.summary, pulled.location, pulled.tzid) == ("Moved", "Room A", "Europe/Berlin")
    assert pulled.start == dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    assert _full(adapter).events == []
    writes = [r for r in google.requests if r.method in {"POST", "PUT"}]
    assert all(r.query.get("sendUpdates") == "none" for r in writes)


def test_event_put_writes_an_all_day_event_as_dates(google, adapter):
    event = OutgoingEvent(
        summary="Away", start=dt.date(2026, 12, 24), end=dt.date(2026, 12, 25), transparent=True
    )

    remote_id = adapter.event_put(EMAIL, event, remote_id=None)

    [stored] = google.events(EMAIL)
    assert stored["id"] == remote_id
    assert (stored["start"], stored["end"]) == ({"date": "2026-12-24"}, {"date": "2026-12-25"})
    assert stored["transparency"] == "transparent"


def test_event_put_of_an_event_google_never_had_creates_it(google, adapter):
    event = OutgoingEvent(summary="x", start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 2))

    remote_id = adapter.event_put(EMAIL, event, remote_id="missing0123")

    assert remote_id != "missing0123"
    assert [stored["id"] for stored in google.events(EMAIL)] == [remote_id]


def test_deleting_an_event_already_gone_is_no_error(google, adapter):
    stored = google.put_event(EMAIL, _event(1))
    google.delete_event(EMAIL, stored["id"])

    adapter.event_delete(EMAIL, stored["id"])  # Google: 410 deleted
    adapter.event_delete(EMAIL, "neverexisted")  # Google: 404

    assert google.events(EMAIL)[0]["status"] == "cancelled"


def test_event_delete_of_an_instance_cancels_that_instance(google, adapter):
    series = google.put_event(EMAIL, _event(1, recurrence=["RRULE:FREQ=DAILY;COUNT=3"]))

    adapter.event_delete(EMAIL, f"{series['id']}#20261202T090000Z")

    assert [e.start.day for e in _full(adapter).events] == [1, 3]


# --- push -----------------------------------------------------------------------------------


def test_push_start_opens_a_channel_and_google_sends_sync(google, adapter, receiver):
    channel = adapter.push_start(
        EMAIL, callback_url=receiver.url, channel_id="chan-1", token="secret-1"
    )

    assert channel.channel_id == "chan-1"
    assert channel.resource_id == google.channels["chan-1"].resource_id
    assert channel.expires_at == google.channels["chan-1"].expiration
    assert channel.expires_at.tzinfo is not None
    [sync] = receiver.wait_for(1)
    assert sync.headers["X-Goog-Channel-Token"] == "secret-1"


def test_push_renew_opens_a_new_channel_and_stops_the_old(google, adapter, receiver):
    old = adapter.push_start(EMAIL, callback_url=receiver.url, channel_id="chan-1", token="t")

    new = adapter.push_renew(old, remote_calendar_id=EMAIL, callback_url=receiver.url, token="t")
    newer = adapter.push_renew(new, remote_calendar_id=EMAIL, callback_url=receiver.url, token="t")

    assert new.channel_id.startswith("chan-1-r")
    assert newer.channel_id.startswith("chan-1-r")
    assert len(newer.channel_id) == len(new.channel_id)
    assert list(google.channels) == [newer.channel_id]
    assert newer.resource_id == old.resource_id


def test_push_stop_stops_and_a_second_stop_is_no_error(google, adapter, receiver):
    channel = adapter.push_start(EMAIL, callback_url=receiver.url, channel_id="c-2", token="t")

    adapter.push_stop(channel)
    adapter.push_stop(channel)
    adapter.push_stop(PushChannel("unknown", "r", channel.expires_at))

    assert google.channels == {}
