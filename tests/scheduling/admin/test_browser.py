"""The admin, end to end in a real browser."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from scheduling.models import Application, Event
from tests.factories import make_account, make_application, make_event, primary_calendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
START = dt.datetime(2024, 7, 27, 9, tzinfo=dt.UTC)


@pytest.fixture
def admin_page(page, live_server, django_user_model):
    """A browser page logged in to the admin through its login form."""
    django_user_model.objects.create_superuser("boss", "boss@example.test", PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    return page


def result_rows(page):
    return page.locator("#result_list tbody tr")


def test_rename_an_application(admin_page, live_server):
    make_application("Acme Scheduling")
    make_application("Globex")
    page = admin_page
    page.get_by_role("link", name="Applications", exact=True).click()
    expect(result_rows(page)).to_have_count(2)
    page.locator("#result_list").get_by_role("link", name="Acme Scheduling").click()
    page.fill("#id_name", "Acme Calendars")
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("#result_list")).to_contain_text("Acme Calendars")
    expect(page.locator("#result_list")).not_to_contain_text("Acme Scheduling")
    assert Application.objects.filter(name="Acme Calendars").count() == 1


def test_filter_events_by_status(admin_page, live_server):
    application = make_application("Acme").application
    calendar = primary_calendar(make_account(application))
    hour = dt.timedelta(hours=1)
    make_event(calendar, START, START + hour, summary="Confirmed standup")
    make_event(
        calendar,
        START + hour,
        START + 2 * hour,
        summary="Maybe lunch",
        status=Event.Status.TENTATIVE,
    )
    make_event(
        calendar,
        START + 2 * hour,
        START + 3 * hour,
        summary="Perhaps coffee",
        status=Event.Status.TENTATIVE,
    )
    page = admin_page
    page.goto(f"{live_server.url}/admin/scheduling/event/")
    expect(result_rows(page)).to_have_count(3)
    page.locator("#changelist-filter").get_by_role("link", name="Tentative").click()
    expect(page).to_have_url(re.compile(r"status__exact=tentative"))
    expect(result_rows(page)).to_have_count(2)
    expect(page.locator("#result_list")).to_contain_text("Maybe lunch")
    expect(page.locator("#result_list")).to_contain_text("Perhaps coffee")
    expect(page.locator("#result_list")).not_to_contain_text("Confirmed standup")


def test_secret_is_shown_once_and_never_on_the_change_page(admin_page, live_server):
    existing = make_application("Acme")
    page = admin_page
    page.goto(f"{live_server.url}/admin/scheduling/application/add/")
    page.fill("#id_name", "Initech")
    page.fill("#id_redirect_uris", "https://initech.test/callback")
    page.click("input[name=_save]")
    message = page.locator("ul.messagelist").get_by_text("New client secret")
    expect(message).to_be_visible()
    new_secret = re.search(r"”: (\S+) — copy it", message.inner_text())[1]
    initech = Application.objects.get(name="Initech")
    assert initech.secrets.get().secret_prefix == new_secret[:6]

    for application, secret in (
        (initech, new_secret),
        (existing.application, existing.client_secret),
    ):
        page.goto(f"{live_server.url}/admin/scheduling/application/{application.pk}/change/")
        expect(page.locator("#id_name")).to_have_value(application.name)
        prefix = application.secrets.get().secret_prefix
        expect(page.locator("#content")).to_contain_text(f"{prefix}…")
        assert secret not in page.content()
