"""OnSched's set-up flow in Chromium: the integrator creates a resource with a Google address and
a return URL through the API; the resource opens googleCalendarAuthUrl, sees the fake Google's
consent screen for its address, presses Allow, passes through our callback and lands on the
return URL; the API then reads the calendar authorized. Every request to a host other than the
live server and the fake Google is refused.

The callback queues the connection's first sync (calendars_sync.tasks.connection_sync, run at
once by the tests' q2): until that task exists, this test is skipped.
"""

import re
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from calendars_sync.models import Connection
from calendars_sync.services.setup_tokens import setup_token_issue
from tests.calendars_sync.setup_api.conftest import ROOM
from tests.fakes.google import FakeGoogle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest.importorskip("calendars_sync.tasks", reason="the sync's tasks are not merged yet")

GMAIL = "room1@gmail.test"


@pytest.fixture
def google(settings):
    with FakeGoogle() as fake:
        fake.add_user(GMAIL)
        settings.GOOGLE_CLIENT_ID = fake.client_id
        settings.GOOGLE_CLIENT_SECRET = fake.client_secret
        settings.GOOGLE_OAUTH_AUTHORIZE_URL = fake.authorize_url
        settings.GOOGLE_OAUTH_TOKEN_URL = fake.token_url
        settings.GOOGLE_CALENDAR_API_URL = fake.api_url
        yield fake


def test_a_resource_authorizes_its_google_calendar_and_lands_on_the_return_url(
    browser, live_server, google, app_creds
):
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
