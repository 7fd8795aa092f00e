"""Cronofy's real UI Elements (npm cronofy-elements 1.67.7) in Chromium, on an integrator's page of
another origin, against the live server with element tokens issued through pycronofy.

Each Element renders from our API what it reads from Cronofy's; an in-page callback receives what
the integrator's page would (`slot_selected`, `availability_rule_saved`). A token issued for
another origin is refused by CORS before any data is sent, and a query naming an account outside
the token's subs is refused with a 422 the Element reads (CORS allows its origin the error too).
"""

import datetime as dt
import json

import pytest
from playwright.sync_api import expect

from scheduling.models import AvailabilityRule
from tests.api_helpers import at, period, z
from tests.clock import FROZEN_NOW
from tests.factories import make_account, make_event, primary_calendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def doctors(app_creds):
    lee = make_account(app_creds.application, name="Dr Lee")
    okafor = make_account(app_creds.application, name="Dr Okafor")
    make_event(primary_calendar(lee), at(10), at(11), summary="Ward round")
    return lee, okafor


@pytest.fixture
def issue(cronofy, app_creds, integrator):
    """Element tokens as the integrator's server gets them: pycronofy with the API key."""
    client = cronofy(
        client_id=app_creds.application.client_id, client_secret=app_creds.client_secret
    )

    def issue(permissions: list[str], *accounts, origin: str | None = None) -> str:
        answer = client.get_ui_element_token(
            permissions=permissions,
            subs=[account.sub for account in accounts],
            origin=origin or integrator.origin,
        )
        return answer["element_token"]["token"]

    return issue


@pytest.fixture
def browser_page(loopback_page, live_server):
    """The page at the tests' frozen date, recording every API call and console message."""
    page = loopback_page
    page.clock.set_fixed_time(FROZEN_NOW)
    page.api_calls = []
    page.console_messages = []
    page.on(
        "response",
        lambda response: (
            page.api_calls.append((response.request, response.status))
            if response.url.startswith(live_server.url)
            else None
        ),
    )
    page.on("console", lambda message: page.console_messages.append(message.text))
    return page


def open_element(page, integrator, live_server, element: str, token: str, **options) -> None:
    options = {"element_token": token, "api_domain": live_server.url, "tzid": "Etc/UTC", **options}
    page.goto(integrator.page_for(element, options))


def notifications(page) -> list[dict]:
    return page.evaluate("window.notifications")


def assert_calls_carry_the_token_in_the_query(page, token: str) -> None:
    assert page.api_calls
    for request, _status in page.api_calls:
        assert f"et={token}" in request.url
        assert "authorization" not in request.headers
        assert request.headers["cronofy-element"].startswith("v1.67.7, ")


def one_hour_query(*accounts) -> dict:
    return {
        "participants": [{"required": "all", "members": [{"sub": a.sub} for a in accounts]}],
        "required_duration": {"minutes": 60},
        "query_periods": [period(9, 13)],
    }


def served(caplog, path: str) -> list[list[str]]:
    """[method, path, status] of each request the live server answered on `path` (its access
    log: it also sees the CORS preflights, which Chromium keeps out of the page's events)."""
    return [
        record.message.split(" ")[:3]
        for record in caplog.records
        if record.name == "access" and record.message.split(" ")[1].startswith(path + "?")
    ]


def test_slot_picker_renders_our_slots_and_reports_the_one_picked(
    browser_page, integrator, live_server, issue, doctors, caplog
):
    lee, _ = doctors
    token = issue(["availability"], lee)
    open_element(
        browser_page,
        integrator,
        live_server,
        "SlotPicker",
        token,
        availability_query=one_hour_query(lee),
    )

    browser_page.get_by_role("button", name="Monday 3rd March").click()
    slots = browser_page.locator(".SlotPicker__slot")
    # Lee's ward round (10:00-11:00) leaves 9:00 and, every 15 minutes, 11:00 to 12:00.
    expect(slots).to_have_text(
        [
            "9:00AM - 10:00AM",
            "11:00AM - 12:00PM",
            "11:15AM - 12:15PM",
            "11:30AM - 12:30PM",
            "11:45AM - 12:45PM",
            "12:00PM - 1:00PM",
        ]
    )
    slots.nth(1).click()
    browser_page.get_by_role("button", name="Confirm").click()

    browser_page.wait_for_function("window.notifications.length > 0")
    assert notifications(browser_page) == [
        {
            "notification": {
                "type": "slot_selected",
                "slot": {**period(11, 12), "participants": [{"sub": lee.sub}]},
            }
        }
    ]
    [(request, status)] = browser_page.api_calls
    assert (request.method, status) == ("POST", 200)
    assert request.url.startswith(f"{live_server.url}/v1/availability?")
    assert json.loads(request.post_data)["response_format"] == "overlapping_slots"
    assert_calls_carry_the_token_in_the_query(browser_page, token)
    # Cross-origin with a custom header: the browser asked first, and our answer let it through.
    assert served(caplog, "/v1/availability") == [
        ["OPTIONS", "/v1/availability?et=[redacted]", "204"],
        ["POST", "/v1/availability?et=[redacted]", "200"],
    ]


def test_date_time_picker_renders_a_sequence_from_sequenced_availability(
    browser_page, integrator, live_server, issue, doctors
):
    lee, okafor = doctors
    token = issue(["availability"], lee, okafor)

    def step(sequence_id: str, ordinal: int, account, minutes: int) -> dict:
        return {
            "sequence_id": sequence_id,
            "ordinal": ordinal,
            "participants": [{"required": "all", "members": [{"sub": account.sub}]}],
            "required_duration": {"minutes": minutes},
        }

    query = {
        "sequence": [step("screen", 1, lee, 30), step("panel", 2, okafor, 60)],
        "query_periods": [period(9, 13)],
    }
    open_element(
        browser_page, integrator, live_server, "DateTimePicker", token, availability_query=query
    )

    times = browser_page.get_by_role("button", name="Select time")
    expect(times.first).to_be_visible()
    # Lee screens (30 min) then Okafor interviews (60 min); Lee is busy 10:00-11:00.
    assert [text.split("\n")[-1] for text in times.all_inner_texts()] == [
        "9:00 AM - 10:30 AM (UTC)",
        "9:15 AM - 10:45 AM (UTC)",
        "9:30 AM - 11:00 AM (UTC)",
        "11:00 AM - 12:30 PM (UTC)",
        "11:15 AM - 12:45 PM (UTC)",
        "11:30 AM - 1:00 PM (UTC)",
    ]
    times.first.click()
    browser_page.get_by_role("button", name="Confirm").click()

    browser_page.wait_for_function("window.notifications.length > 0")
    [picked] = notifications(browser_page)
    assert picked["notification"]["type"] == "slot_selected"
    assert picked["notification"]["tzid"] == "Etc/UTC"
    slot = picked["notification"]["slot"]
    assert [(s["sequence_id"], s["start"], s["end"]) for s in slot["sequence"]] == [
        ("screen", z(at(9)), z(at(9.5))),
        ("panel", z(at(9.5)), z(at(10.5))),
    ]
    [(request, status)] = browser_page.api_calls
    assert (request.method, status) == ("POST", 200)
    assert request.url.startswith(f"{live_server.url}/v1/sequenced_availability?")
    assert_calls_carry_the_token_in_the_query(browser_page, token)


def test_availability_rules_loads_and_saves_a_rule(
    browser_page, integrator, live_server, issue, doctors
):
    lee, _ = doctors
    token = issue(["managed_availability"], lee)
    options = {"availability_rule_id": "work_hours"}
    open_element(browser_page, integrator, live_server, "AvailabilityRules", token, **options)

    # No rule yet (a 404 the Element expects): it offers its defaults, Monday to Friday 9 to 5.
    browser_page.get_by_role("button", name="Toggle slot").first.click()  # Sunday 9:00-10:00
    browser_page.get_by_role("button", name="Save new rules").click()
    browser_page.wait_for_function(
        "window.notifications.some(n => n.notification.type === 'availability_rule_saved')"
    )

    rule = AvailabilityRule.objects.get()
    assert (rule.account, rule.availability_rule_id, rule.tzid) == (lee, "work_hours", "Etc/UTC")
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday")
    assert rule.weekly_periods == [
        {"day": "sunday", "start_time": "09:00", "end_time": "10:00"},
        *({"day": day, "start_time": "09:00", "end_time": "17:00"} for day in weekdays),
    ]
    calls = [(r.method, r.url.split("?")[0], status) for r, status in browser_page.api_calls]
    # The rule and userinfo (the calendars a rule may name) are read at once, in either order.
    assert sorted(calls) == [
        ("GET", f"{live_server.url}/v1/availability_rules/work_hours", 404),
        ("GET", f"{live_server.url}/v1/userinfo", 200),
        ("POST", f"{live_server.url}/v1/availability_rules", 200),
    ]
    assert_calls_carry_the_token_in_the_query(browser_page, token)

    # Opened again, the Element reads the saved rule (a loaded CI machine can take longer than
    # the page's default 10 s to load the bundle again and answer).
    reread = browser_page.expect_response(
        lambda r: "/v1/availability_rules/" in r.url, timeout=30_000
    )
    with reread as read:
        open_element(browser_page, integrator, live_server, "AvailabilityRules", token, **options)
    assert read.value.status == 200
    expect(browser_page.get_by_role("button", name="Save new rules")).to_be_visible()
    assert not any(
        n["notification"]["type"] == "availability_rule_not_found"
        for n in notifications(browser_page)
    )


def test_agenda_renders_events_with_the_embedded_userinfo_over_pages(
    browser_page, integrator, live_server, issue, doctors, settings
):
    lee, _ = doctors
    today = FROZEN_NOW.replace(hour=0)
    make_event(
        primary_calendar(lee),
        today + dt.timedelta(hours=14),
        today + dt.timedelta(hours=15),
        summary="Clinic",
    )
    make_event(
        primary_calendar(lee),
        today + dt.timedelta(hours=16),
        today + dt.timedelta(hours=17),
        summary="Handover",
    )
    settings.API_PAGE_SIZE = 2  # three events in the Agenda's window: it follows next_page
    token = issue(["agenda"], lee)

    open_element(browser_page, integrator, live_server, "Agenda", token)

    expect(browser_page.locator("#element")).to_contain_text("Clinic")
    expect(browser_page.locator("#element")).to_contain_text("Handover")
    calls = [(r.url.split("?")[0], status) for r, status in browser_page.api_calls]
    assert calls[0] == (f"{live_server.url}/v1/events", 200)
    assert calls[1][0].startswith(f"{live_server.url}/v1/events/pages/")
    assert calls[1][1] == 200
    first = browser_page.api_calls[0][0]
    assert "include_userinfo=true" in first.url
    assert first.response().json()["userinfo"]["sub"] == lee.sub
    assert_calls_carry_the_token_in_the_query(browser_page, token)


def test_a_token_for_another_origin_is_refused_by_cors(
    browser_page, integrator, live_server, issue, doctors, caplog
):
    lee, _ = doctors
    token = issue(["availability"], lee, origin="http://127.0.0.1:9")  # not the page's origin
    open_element(
        browser_page,
        integrator,
        live_server,
        "SlotPicker",
        token,
        availability_query=one_hour_query(lee),
    )

    browser_page.wait_for_function("window.notifications.length > 0")
    [refused] = notifications(browser_page)
    assert refused["notification"]["type"] == "error"
    assert any("CORS policy" in text for text in browser_page.console_messages)
    # Refused at the preflight: the query itself never reached the server.
    assert browser_page.api_calls == []
    assert served(caplog, "/v1/availability") == [
        ["OPTIONS", "/v1/availability?et=[redacted]", "403"]
    ]
    expect(browser_page.locator(".SlotPicker__slot")).to_have_count(0)


def test_a_token_for_another_sub_is_refused(browser_page, integrator, live_server, issue, doctors):
    lee, okafor = doctors
    token = issue(["availability"], okafor)  # the page asks for Lee's slots
    open_element(
        browser_page,
        integrator,
        live_server,
        "SlotPicker",
        token,
        availability_query=one_hour_query(lee),
    )

    browser_page.wait_for_function("window.notifications.length > 0")
    [refused] = notifications(browser_page)
    assert refused["notification"]["type"] == "error"
    [(request, status)] = browser_page.api_calls
    assert status == 422
    errors = request.response().json()["errors"]
    assert errors["participants.0.members.0.sub"][0]["key"] == "errors.not_accessible"
    expect(browser_page.locator(".SlotPicker__slot")).to_have_count(0)


def test_the_page_reaches_nothing_but_loopback(loopback_page, integrator):
    """The guard itself: other hosts, by name or address, go to the dead proxy and fail."""
    failures = []
    loopback_page.on("requestfailed", lambda request: failures.append(request.failure))
    loopback_page.goto(integrator.page_for("SlotPicker", {}))
    outcomes = loopback_page.evaluate(
        """() => Promise.all(["http://192.0.2.1/font.woff2", "https://fonts.example.com/x.css"]
             .map((url) => fetch(url, {mode: "no-cors"}).then(() => "answered", () => "failed")))"""
    )
    assert outcomes == ["failed", "failed"]
    assert loopback_page.outside == [
        "http://192.0.2.1/font.woff2",
        "https://fonts.example.com/x.css",
    ]
    assert set(failures) == {"net::ERR_PROXY_CONNECTION_FAILED"}
