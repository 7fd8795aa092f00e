"""OnSched's set-up flow in Chromium: the integrator creates a resource with a Google address and
a return URL through the API; the resource opens googleCalendarAuthUrl, sees the fake Google's
consent screen for its address, presses Allow, passes through our callback and lands on the
return URL; the API then reads the calendar authorized. Every request to a host other than the
live server and the fake Google is refused.

The callback queues the connection's first sync (run at once by the tests' q2), after which the
Google calendar's busy time is the resource's busy time in /v1/availability.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from calendars_sync.models import Connection
from calendars_sync.services.setup_tokens import setup_token_issue
from tests.calendars_sync.setup_api.conftest import ROOM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GMAIL = "room1@gmail.test"


@pytest.fixture
def google(fake_google):
    fake_google.add_user(GMAIL)
    return fake_google


def test_a_resource_authorizes_its_google_calendar_and_lands_on_the_return_url(
    browser, live_server, google, app_creds
):
    busy_start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    google.put_event(GMAIL, {"summary": "Dentist", **_span(busy_start, hours=1)})
    token = setup_token_issue(application=app_creds.application).access_token
    return_url = f"{live_server.url}/health?from=onsched"
    created = requests.post(
        f"{live_server.url}/setup/v1/resources",
        params={"googleAuthReturnUrl": return_url},
        json={**ROOM, "options": {"googleCalendarId": GMAIL, "calendarAvailability": 1}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    allowed = {urlsplit(live_server.url).netloc, urlsplit(google.base_url).netloc}
    context = browser.new_context()
    context.set_default_timeout(10_000)
    elsewhere: list[str] = []

    def only_ours(route) -> None:
        if urlsplit(route.request.url).netloc in allowed:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_ours)
    page = context.new_page()
    try:
        page.goto(created["googleCalendarAuthUrl"])
        expect(page.locator("h1")).to_contain_text("wants to access your Google Calendar")
        expect(page.locator(".account")).to_have_text(GMAIL)
        page.get_by_role("button", name="Allow").click()
        expect(page).to_have_url(re.compile(re.escape(return_url) + "$"))
    finally:
        context.close()

    assert elsewhere == []
    read = requests.get(
        f"{live_server.url}/setup/v1/resources/{created['id']}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    assert read["googleCalendarAuthorized"] is True
    assert Connection.objects.get(account__sub=created["id"]).state == Connection.State.ACTIVE
    # The callback queued the first sync (run at once by the tests' q2): the Google calendar's
    # busy hour is now busy time of the resource, in the Cronofy-shaped availability API.
    day = busy_start.replace(hour=9)
    available = requests.post(
        f"{live_server.url}/v1/availability",
        json={
            "participants": [{"members": [{"sub": created["id"]}], "required": "all"}],
            "required_duration": {"minutes": 60},
            "query_periods": [{"start": _z(day), "end": _z(day + dt.timedelta(hours=3))}],
        },
        headers={"Authorization": f"Bearer {app_creds.client_secret}"},
        timeout=10,
    )
    assert available.status_code == 200, available.text
    assert available.json()["available_periods"] == [
        {"start": _z(day), "end": _z(busy_start), "participants": [{"sub": created["id"]}]},
        {
            "start": _z(busy_start + dt.timedelta(hours=1)),
            "end": _z(day + dt.timedelta(hours=3)),
            "participants": [{"sub": created["id"]}],
        },
    ]


def _z(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _span(start: dt.datetime, *, hours: int) -> dict:
    end = start + dt.timedelta(hours=hours)
    return {"start": {"dateTime": _z(start)}, "end": {"dateTime": _z(end)}}
