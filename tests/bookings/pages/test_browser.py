"""The booking pages in Chromium, against the live server: links made with pycronofy, the zone
detected and changed, a time picked and confirmed; the event read back through pycronofy and the
callback received with a valid HMAC; two visitors racing for one time.

Every request the pages make is watched: anything not for the live server's own host fails the
test ("no request leaves the host"), and so does any Content-Security-Policy refusal.
"""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from playwright.sync_api import expect

from bookings.links import link_token
from scheduling.models import OutgoingCallback
from tests.api_helpers import at, period, z
from tests.bookings.factories import make_scheduling_request, scheduling_body
from tests.factories import make_account, make_tokens, primary_calendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class Visitor:
    """A browser context of its own (zone, cookies) and its page, watched."""

    def __init__(self, browser, live_server, timezone_id: str) -> None:
        self.context = browser.new_context(
            timezone_id=timezone_id, viewport={"width": 390, "height": 844}
        )
        self.context.set_default_timeout(10_000)
        self.host = urlsplit(live_server.url).hostname
        self.elsewhere: list[str] = []
        self.refusals: list[str] = []
        self.context.route("**/*", self._only_own_host)
        self.page = self.context.new_page()
        self.page.add_init_script(RECORD_VIOLATIONS)
        self.page.on(
            "console",
            lambda m: self.refusals.append(m.text) if "Content Security Policy" in m.text else None,
        )

    def _only_own_host(self, route) -> None:
        if urlsplit(route.request.url).hostname == self.host:
            route.continue_()
        else:  # the redirect to the integrator is a navigation we allow, but only to 127.0.0.1
            if route.request.is_navigation_request() and route.request.url.startswith(
                "http://127.0.0.1:"
            ):
                route.continue_()
                return
            self.elsewhere.append(route.request.url)
            route.abort()

    def assert_clean(self) -> None:
        assert self.elsewhere == []
        try:
            violations = self.page.evaluate("window.cspViolations || []")
        except Exception:  # a page of another origin (the integrator's) has no recorder
            violations = []
        assert self.refusals + violations == []

    def slot_times(self) -> list[str]:
        return self.page.locator("a.slot").all_inner_texts()


@pytest.fixture
def visitors(browser, live_server):
    opened = []

    def open_one(timezone_id: str = "Europe/London") -> Visitor:
        visitor = Visitor(browser, live_server, timezone_id)
        opened.append(visitor)
        return visitor

    yield open_one
    for visitor in opened:
        visitor.context.close()


@pytest.fixture
def people(app_creds):
    return [make_account(app_creds.application, name=name) for name in ("Ada", "Grace")]


def pycronofy_client(cronofy, app_creds):
    return cronofy(client_id=app_creds.application.client_id, client_secret=app_creds.client_secret)


def read_back(cronofy, app_creds, account) -> list[dict]:
    """The account's events as an integrator reads them: pycronofy with the account's token."""
    tokens = make_tokens(app_creds.application, account)
    client = cronofy(access_token=tokens.access_token)
    return list(client.read_events(from_date=z(at(0)), to_date=z(at(24)), tzid="Etc/UTC"))


def test_a_scheduling_link_from_pycronofy_is_booked_in_chromium(
    visitors, cronofy, receiver, app_creds, people
):
    thanks = f"http://127.0.0.1:{receiver.port}/thanks"
    created = pycronofy_client(cronofy, app_creds).real_time_scheduling(
        availability={
            "participants": [{"members": [{"sub": p.sub} for p in people], "required": "all"}],
            "required_duration": {"minutes": 60},
            "start_interval": {"minutes": 30},
            "available_periods": [period(9, 12)],
        },
        oauth={"redirect_uri": thanks, "scope": "create_event", "state": "st-7"},
        event={"event_id": "browser-1", "summary": "Browser interview", "tzid": "Europe/London"},
        target_calendars=[
            {"sub": people[0].sub, "calendar_id": primary_calendar(people[0]).calendar_id}
        ],
        callback_urls={"completed_url": receiver.url},
        redirect_urls={"completed_url": thanks},
    )
    visitor = visitors("America/New_York")
    page = visitor.page

    page.goto(created["url"])

    # The script noticed the browser's zone and asked for the times in it.
    expect(page).to_have_url(re.compile(r"tz=America%2FNew_York"))
    expect(page.locator("#zone")).to_have_value("America/New_York")
    expect(page.locator("h2").first).to_have_text("Monday 3 March 2025")
    assert visitor.slot_times() == ["04:00", "04:30", "05:00", "05:30", "06:00"]

    page.select_option("#zone", "Asia/Tokyo")
    page.get_by_role("button", name="Change time zone").click()

    expect(page.locator("a.slot").first).to_have_text("18:00")
    page.get_by_role("link", name="Monday 3 March 2025, 19:00\u201320:00").click()
    expect(page.locator(".confirm-steps")).to_contain_text("19:00\u201320:00 with Ada and Grace")
    page.get_by_role("button", name="Confirm this time").click()

    page.wait_for_url(f"{thanks}?**")
    query = parse_qs(urlsplit(page.url).query)
    assert query["start"] == ["2025-03-03T10:00:00Z"]
    assert query["end"] == ["2025-03-03T11:00:00Z"]
    assert query["real_time_scheduling_id"] == [
        created["real_time_scheduling"]["real_time_scheduling_id"]
    ]
    [event] = [e for e in read_back(cronofy, app_creds, people[0]) if e.get("event_id")]
    assert (event["event_id"], event["summary"]) == ("browser-1", "Browser interview")
    assert (event["start"], event["end"]) == ("2025-03-03T10:00:00Z", "2025-03-03T11:00:00Z")
    [callback] = receiver.wait_for(1)
    assert callback.signed_with(app_creds.client_secret)
    sent = callback.json()
    assert sent["event"]["start"] == {"time": "2025-03-03T10:00:00Z", "tzid": "Europe/London"}
    assert sent["user"] == {"tzid": "Asia/Tokyo"}
    assert OutgoingCallback.objects.get().state == OutgoingCallback.State.DELIVERED
    visitor.assert_clean()


def test_a_sequencing_link_from_pycronofy_is_booked_in_chromium(
    visitors, cronofy, receiver, app_creds, people
):
    ada, grace = people
    done = f"http://127.0.0.1:{receiver.port}/oauth/done"

    def step(sequence_id, ordinal, member, summary):
        return {
            "sequence_id": sequence_id,
            "ordinal": ordinal,
            "participants": [{"members": [{"sub": member.sub}], "required": "all"}],
            "required_duration": {"minutes": 60},
            "event": {"summary": summary},
        }

    created = pycronofy_client(cronofy, app_creds).real_time_sequencing(
        availability={
            "sequence": [step("screen", 1, ada, "Pre screen"), step("onsite", 2, grace, "Onsite")],
            "available_periods": [period(9, 13)],
        },
        oauth={"redirect_uri": done, "scope": "create_event", "state": "seq-3"},
        event={"event_id": "loop-7", "summary": "Interview loop", "tzid": "Europe/London"},
        target_calendars=[
            {"sub": ada.sub, "calendar_id": primary_calendar(ada).calendar_id},
            {"sub": grace.sub, "calendar_id": primary_calendar(grace).calendar_id},
        ],
    )
    visitor = visitors("Europe/Paris")
    page = visitor.page

    page.goto(created["url"])

    expect(page).to_have_url(re.compile(r"tz=Europe%2FParis"))
    first = page.locator(".slots > li").first
    expect(first.locator("ol.steps > li")).to_have_text(
        ["10:00\u201311:00 Pre screen with Ada", "11:00\u201312:00 Onsite with Grace"]
    )
    page.select_option("#zone", "Etc/UTC")
    page.get_by_role("button", name="Change time zone").click()
    expect(page.locator("a.slot").first).to_have_text("09:00")
    page.locator("a.slot", has_text="10:00").click()
    expect(page.locator(".confirm-steps > li")).to_have_text(
        ["10:00\u201311:00 Pre screen with Ada", "11:00\u201312:00 Onsite with Grace"]
    )
    page.get_by_role("button", name="Confirm this time").click()

    page.wait_for_url(f"{done}?state=seq-3")
    [screen] = [e for e in read_back(cronofy, app_creds, ada) if e.get("event_id")]
    [onsite] = [e for e in read_back(cronofy, app_creds, grace) if e.get("event_id")]
    assert (screen["event_id"], screen["summary"], screen["start"]) == (
        "loop-7_screen",
        "Pre screen",
        "2025-03-03T10:00:00Z",
    )
    assert (onsite["event_id"], onsite["summary"], onsite["start"]) == (
        "loop-7_onsite",
        "Onsite",
        "2025-03-03T11:00:00Z",
    )
    visitor.assert_clean()


def test_the_confirmation_page_offers_the_ics_file_and_works_by_keyboard(
    visitors, app_creds, people, live_server
):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    visitor = visitors("Europe/London")
    page = visitor.page
    page.goto(f"{live_server.url}/rts/{link_token(request.real_time_scheduling_id)}")
    expect(page.locator("a.slot").first).to_be_visible()

    # Readable on a phone (the context is 390 px wide): nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Keyboard only: Tab from the zone form's button to the first time, and follow it.
    page.get_by_role("button", name="Change time zone").focus()
    page.keyboard.press("Tab")
    expect(page.locator("a.slot").first).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Confirm this time")).to_be_visible()
    page.get_by_role("button", name="Confirm this time").focus()
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("Booked: Interview")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download for your calendar (.ics)").click()
    assert download.value.suggested_filename == f"{request.real_time_scheduling_id}.ics"
    assert b"SUMMARY:Interview" in Path(download.value.path()).read_bytes()
    visitor.assert_clean()


def test_two_visitors_race_for_one_time_and_exactly_one_wins(
    visitors, app_creds, people, live_server
):
    links = [
        make_scheduling_request(app_creds.application, scheduling_body(people)) for _ in range(2)
    ]
    racers = [visitors("Etc/UTC"), visitors("Etc/UTC")]
    for visitor, request in zip(racers, links, strict=True):
        token = link_token(request.real_time_scheduling_id)
        visitor.page.goto(f"{live_server.url}/rts/{token}/confirm?start={z(at(10))}&tz=Etc/UTC")
        expect(visitor.page.get_by_role("button", name="Confirm this time")).to_be_visible()

    # Both press Confirm without waiting for the other's answer. Not on SQLite: the live server
    # shares the tests' in-memory database connection between its threads, so there the second
    # press waits for the first answer (the second visitor still confirms a time they saw free).
    for visitor in racers:
        visitor.page.evaluate("document.querySelector('form[method=post] button').click()")
        if connection.vendor == "sqlite":
            expect(outcome(visitor)).to_be_visible()
    won = []
    for visitor in racers:
        expect(outcome(visitor)).to_be_visible()
        won.append(visitor.page.get_by_role("heading", name="Booked: Interview").count() == 1)

    assert sorted(won) == [False, True]
    loser = racers[won.index(False)]
    expect(loser.page.get_by_role("alert")).to_contain_text("Sorry, that time was taken meanwhile")
    assert loser.slot_times() == ["09:00", "11:00"]
    assert sum(request.claims.count() for request in links) == 2  # Ada and Grace, once
    for visitor in racers:
        visitor.assert_clean()


def outcome(visitor: Visitor):
    """What a confirmation ends in: the booked page, or the times with a "taken" alert."""
    page = visitor.page
    return page.get_by_role("heading", name="Booked: Interview").or_(page.get_by_role("alert"))
