"""The class pages in Chromium, against the live server, with every request that is not for the
live server refused: a visitor takes the last seat, reads the confirmation mail (Django's test
mailbox: the live server runs in this process, and q2 runs the mail task on commit), follows its
cancel link and cancels; the seat is free again and offered to the first on the waitlist, who
claims it from the offer's mail."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Booking, WaitlistEntry
from tests.bookings.pages.class_setup import seat_for, studio, studio_class

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["studio"]


class Visitor:
    """A browser context of its own (zone, cookies), refusing requests to any other host."""

    def __init__(self, browser, live_server, timezone_id: str) -> None:
        self.context = browser.new_context(
            timezone_id=timezone_id, viewport={"width": 390, "height": 844}
        )
        self.context.set_default_timeout(10_000)
        self.host = urlsplit(live_server.url).hostname
        self.elsewhere: list[str] = []
        self.context.route("**/*", self._only_own_host)
        self.page = self.context.new_page()

    def _only_own_host(self, route) -> None:
        if urlsplit(route.request.url).hostname == self.host:
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.abort()


@pytest.fixture
def visitors(browser, live_server):
    opened = []

    def open_one(timezone_id: str) -> Visitor:
        visitor = Visitor(browser, live_server, timezone_id)
        opened.append(visitor)
        return visitor

    yield open_one
    for visitor in opened:
        visitor.context.close()


def link_in(message, path: str) -> str:
    [url] = re.findall(rf"http://\S+{re.escape(path)}\S+", message.body)
    return url


def test_take_a_seat_cancel_it_from_the_mail_and_the_waitlist_gets_it(
    visitors, live_server, settings, app_creds, studio
):
    settings.PUBLIC_BASE_URL = live_server.url
    klass = studio_class(app_creds, studio, max_seats=2)
    seat_for(app_creds, klass, email="grace@example.test", name="Grace")
    mail.outbox.clear()
    ada, wanda = visitors("America/New_York"), visitors("Europe/Paris")

    # Ada finds the class in her own zone (detected by the page's script) and takes the last seat.
    ada.page.goto(f"{live_server.url}/classes/{studio.sub}")
    expect(ada.page).to_have_url(re.compile(r"tz=America%2FNew_York"))
    expect(ada.page.locator(".class-item .when")).to_have_text("07:00\u201308:00")
    expect(ada.page.locator(".seats-left")).to_have_text("1 of 2 seats left")
    ada.page.get_by_role("link", name=re.compile("Morning yoga")).click()
    ada.page.get_by_label("Name").fill("Ada")
    ada.page.get_by_label("Email").fill("ada@example.test")
    ada.page.get_by_role("button", name="Book my seat").click()
    expect(ada.page.locator("h1")).to_have_text("You have a seat: Morning yoga")
    expect(ada.page.locator(".when")).to_have_text("07:00\u201308:00")

    # The class is full now: Wanda joins its waitlist.
    wanda.page.goto(f"{live_server.url}/classes/{studio.sub}/{klass.booking_id}?tz=Europe/Paris")
    expect(wanda.page.get_by_role("heading", name="This class is full")).to_be_visible()
    form = wanda.page.locator("form.waitlist-form")
    form.get_by_label("Name").fill("Wanda")
    form.get_by_label("Email").fill("wanda@example.test")
    form.get_by_role("button", name="Join the waitlist").click()
    expect(wanda.page.locator(".messages")).to_contain_text("number 1 in line")

    # Ada's mail: the invitation and the cancel link, which she follows.
    [confirmation] = [m for m in mail.outbox if m.to == ["ada@example.test"]]
    assert confirmation.attachments[0][0] == "invite.ics"
    ada.page.goto(link_in(confirmation, "/bookings/actions/"))
    expect(ada.page.locator("h1")).to_have_text("Cancel your seat")
    assert Booking.objects.get(customer_email="ada@example.test").state == "confirmed"
    ada.page.get_by_role("button", name="Cancel it").click()
    expect(ada.page.locator(".messages")).to_contain_text("Cancelled.")
    expect(ada.page.locator(".state")).to_have_text("State: cancelled by customer")

    # The seat is free again, and offered to Wanda by mail.
    ada.page.goto(f"{live_server.url}/classes/{studio.sub}")
    expect(ada.page.locator(".seats-left")).to_have_text("1 of 2 seats left")
    assert WaitlistEntry.objects.get().state == "offered"
    [offer] = [m for m in mail.outbox if m.to == ["wanda@example.test"]]
    wanda.page.goto(link_in(offer, "/classes/waitlist/"))
    wanda.page.get_by_role("button", name="Take the seat").click()
    expect(wanda.page.locator("h1")).to_have_text("You have a seat: Morning yoga")
    expect(wanda.page.locator(".when")).to_have_text("13:00\u201314:00")
    klass.refresh_from_db()
    assert klass.taken_seats == 2
    assert WaitlistEntry.objects.get().state == "claimed"
    assert ada.elsewhere == wanda.elsewhere == []
