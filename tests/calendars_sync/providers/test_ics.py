"""The ICS adapter against the local feed server: conditional GETs, errors, the URL guard."""

import datetime as dt
import json

import pytest

from calendars_sync.providers.base import (
    Credentials,
    GrantBroken,
    OutgoingEvent,
    ProviderRefused,
    PushUnsupported,
    RateLimited,
)
from calendars_sync.providers.ics import IcsAdapter, retry_after_seconds
from calendars_sync.providers.outbound_guard import url_problem, web_url

WINDOW = (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
FEED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
X-WR-CALNAME:Team holidays
BEGIN:VEVENT
UID:weekly@feed
DTSTAMP:20261001T000000Z
DTSTART;TZID=Europe/Paris:20261005T100000
DTEND;TZID=Europe/Paris:20261005T110000
RRULE:FREQ=WEEKLY;COUNT=3
SUMMARY:Sync
END:VEVENT
BEGIN:VEVENT
UID:day@feed
DTSTAMP:20261001T000000Z
DTSTART;VALUE=DATE:20261111
DTEND;VALUE=DATE:20261112
SUMMARY:Armistice
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def feed(ics_server):
    ics_server.put("/team.ics", FEED)
    return ics_server


def adapter_for(server, path="/team.ics", **credentials):
    return IcsAdapter(Credentials(url=server.url(path), **credentials))


def test_calendars_is_the_feed_read_only_named_by_x_wr_calname(feed):
    (calendar,) = adapter_for(feed).calendars()

    assert calendar.remote_id == feed.url("/team.ics")
    assert (calendar.name, calendar.readonly, calendar.primary) == ("Team holidays", True, True)


def test_first_pull_is_full_with_expanded_series_and_all_day_event(feed):
    pull = adapter_for(feed).pull(feed.url("/team.ics"), state=None, window=WINDOW)

    assert pull.full
    assert sorted(e.remote_id for e in pull.events) == [
        "day@feed",
        "weekly@feed#20261005T080000Z",
        "weekly@feed#20261012T080000Z",
        "weekly@feed#20261019T080000Z",
    ]
    assert json.loads(pull.state)["etag"] == feed.documents["/team.ics"].etag


def test_unchanged_feed_is_a_304_and_an_empty_partial_pull(feed):
    adapter = adapter_for(feed)
    first = adapter.pull(feed.url("/team.ics"), state=None, window=WINDOW)

    second = adapter.pull(feed.url("/team.ics"), state=first.state, window=WINDOW)

    assert feed.requests[-1].headers["If-None-Match"] == feed.documents["/team.ics"].etag
    assert "If-Modified-Since" in feed.requests[-1].headers
    assert (second.events, second.full, second.state) == ([], False, first.state)


def test_changed_feed_is_a_full_pull_with_a_new_state(feed):
    adapter = adapter_for(feed)
    first = adapter.pull(feed.url("/team.ics"), state=None, window=WINDOW)
    feed.put("/team.ics", FEED.replace("COUNT=3", "COUNT=2"))

    second = adapter.pull(feed.url("/team.ics"), state=first.state, window=WINDOW)

    assert second.full
    assert len(second.events) == 3
    assert second.state != first.state


def test_same_bytes_without_validators_count_as_no_change(feed):
    adapter = adapter_for(feed)
    first = adapter.pull(feed.url("/team.ics"), state=None, window=WINDOW)
    stale = json.dumps({**json.loads(first.state), "etag": "", "last_modified": ""})

    again = adapter.pull(feed.url("/team.ics"), state=stale, window=WINDOW)

    assert (again.events, again.full) == ([], False)


def test_basic_auth_feed_wrong_password_is_grant_broken(feed):
    feed.require_auth("me", "right")

    assert adapter_for(feed, username="me", password="right").calendars()
    with pytest.raises(GrantBroken):
        adapter_for(feed, username="me", password="wrong").pull(
            feed.url("/team.ics"), state=None, window=WINDOW
        )


def test_429_with_retry_after_is_rate_limited(feed):
    feed.fail_next(429, retry_after=120)

    with pytest.raises(RateLimited) as raised:
        adapter_for(feed).pull(feed.url("/team.ics"), state=None, window=WINDOW)

    assert raised.value.retry_after == 120


def test_503_is_rate_limited_and_retry_after_may_be_a_date(feed):
    feed.fail_next(503, retry_after="Sun, 29 Nov 2026 10:00:00 GMT")

    with pytest.raises(RateLimited):
        adapter_for(feed).pull(feed.url("/team.ics"), state=None, window=WINDOW)
    now = dt.datetime(2026, 11, 29, 9, 58, tzinfo=dt.UTC)
    assert retry_after_seconds("Sun, 29 Nov 2026 10:00:00 GMT", now=now) == 120


def test_a_body_that_is_not_icalendar_is_refused(feed):
    feed.put("/page.html", "<html><body>Log in</body></html>", content_type="text/html")

    with pytest.raises(ProviderRefused, match="not an iCalendar"):
        adapter_for(feed, "/page.html").calendars()


def test_a_missing_feed_is_refused(feed):
    with pytest.raises(ProviderRefused, match="404"):
        adapter_for(feed, "/gone.ics").pull(feed.url("/gone.ics"), state=None, window=WINDOW)


def test_private_address_is_refused_unless_allowed(feed, settings, no_connections):
    settings.CALLBACK_ALLOWED_NETWORKS = []

    assert "private or reserved" in url_problem(feed.url("/team.ics"))
    with pytest.raises(ProviderRefused, match="loopback"):
        adapter_for(feed).calendars()
    assert no_connections == []


def test_url_problem_accepts_allowed_and_webcal_urls(feed):
    assert url_problem(feed.url("/team.ics")) is None
    assert url_problem("ftp://127.0.0.1/x.ics") is not None
    assert web_url("webcal://example.com/a.ics") == "https://example.com/a.ics"


def test_feeds_are_read_only_and_have_no_push(feed):
    adapter = adapter_for(feed)
    event = OutgoingEvent(summary="x", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 2))

    with pytest.raises(ProviderRefused, match="read-only"):
        adapter.event_put(feed.url("/team.ics"), event, remote_id=None)
    with pytest.raises(ProviderRefused, match="read-only"):
        adapter.event_delete(feed.url("/team.ics"), "day@feed")
    with pytest.raises(PushUnsupported):
        adapter.push_start(feed.url("/team.ics"), callback_url="", channel_id="c", token="t")


def test_an_unreadable_state_costs_only_a_full_fetch(feed):
    pull = adapter_for(feed).pull(feed.url("/team.ics"), state="not json", window=WINDOW)

    assert pull.full
    assert "If-None-Match" not in feed.requests[-1].headers
