"""Timekit's real booking widget (npm timekit-booking 3.3.1) in Chromium against the live server:
it loads an embedded project with a widget key, shows the project's availability, books an
instant slot; in group mode it lists the project's classes (a full one is not offered) and takes
a seat; a seat lost to someone else meanwhile ends in the widget's error, not an oversold class."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from bookings.models import Booking
from bookings.services.group_bookings import class_create, seat_create
from bookings.services.projects import project_create
from bookings.services.widget_keys import widget_key_create
from scheduling.services.accounts import resource_create
from tests.clock import FROZEN_NOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Thursday 27 February 2025, 12:00 UTC: the widget's week runs Sunday 23 to Saturday 1 March.
TOMORROW = FROZEN_NOW.replace(hour=0) + dt.timedelta(days=1)
CUSTOMER_FIELDS = {
    "name": {"title": "Name", "required": True},
    "email": {"title": "E-mail", "format": "email", "required": True},
}


@pytest.fixture
def studio(app_creds):
    return resource_create(
        application=app_creds.application, name="Doc Brown", email="doc@example.test"
    )


@pytest.fixture
def widget_key(app_creds) -> str:
    return widget_key_create(application=app_creds.application).key


@pytest.fixture
def widget_page(loopback_page, live_server):
    page = loopback_page
    page.clock.set_fixed_time(FROZEN_NOW)
    page.api_statuses = []
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            page.api_statuses.append((response.request.method, response.url, response.status))
            if response.url.startswith(live_server.url)
            else None
        ),
    )
    return page


def open_widget(page, widget_site, live_server, widget_key, project) -> None:
    config = {
        "app_key": widget_key,
        "project_id": str(project.project_id),
        "api_base_url": f"{live_server.url}/",
        "ui": {"timezone": "Etc/UTC"},
    }
    page.goto(widget_site.page_for(config))


def wait_for(page, name: str) -> list:
    """The payloads of the widget's callback `name`, once it has been called."""
    page.wait_for_function(f"window.widgetEvents.some(e => e[0] === {name!r})")
    return events(page, name)


def events(page, name: str) -> list:
    return [payload for kind, payload in page.evaluate("window.widgetEvents") if kind == name]


def fill_and_book(page) -> None:
    page.locator(".bookingjs-form input[name=name]").fill("Marty McFly")
    page.locator(".bookingjs-form input[name=email]").fill("marty@example.test")
    page.locator(".bookingjs-form-button").click()


def test_the_widget_books_an_instant_slot_of_an_embedded_project(
    widget_page, widget_site, live_server, widget_key, app_creds, studio
):
    project = project_create(
        application=app_creds.application,
        name="Consultation",
        resource_ids=[studio.sub],
        availability={"length": "1 hour", "from": TOMORROW.isoformat(), "to": "1 week"},
        availability_constraints=[{"allow_hours": {"start": 9, "end": 11}}],
        booking={"graph": "instant"},
        customer_fields=CUSTOMER_FIELDS,
    )
    open_widget(widget_page, widget_site, live_server, widget_key, project)

    slots = widget_page.locator(".fc-event")
    expect(slots.first).to_be_visible()
    [offered] = events(widget_page, "availability")
    assert offered[0]["start"] == TOMORROW.replace(hour=9).isoformat()
    assert offered[0]["resources"][0]["id"] == studio.sub
    slots.first.click()
    fill_and_book(widget_page)
    [created] = wait_for(widget_page, "created")
    expect(widget_page.locator(".bookingjs-form-success-message")).to_be_visible()

    booking = Booking.objects.get()
    assert (booking.graph, booking.state, booking.account) == ("instant", "confirmed", studio)
    assert booking.start == TOMORROW.replace(hour=9)
    assert (booking.customer_name, booking.project) == ("Marty McFly", project)
    assert created["id"] == str(booking.booking_id)
    assert created["attributes"]["event_info"]["what"] == "Consultation"
    assert all(status < 400 for _method, _url, status in widget_page.api_statuses)
    assert widget_page.errors == []


def class_project(app_creds, studio):
    project = project_create(
        application=app_creds.application,
        name="Webinars",
        resource_ids=[studio.sub],
        booking={"graph": "group_customer"},
        customer_fields=CUSTOMER_FIELDS,
    )

    def klass(hour: int, what: str, seats: int) -> Booking:
        made = class_create(
            application=app_creds.application,
            account=studio,
            start=TOMORROW.replace(hour=hour),
            end=TOMORROW.replace(hour=hour + 1),
            max_seats=seats,
            what=what,
        )
        Booking.objects.filter(pk=made.pk).update(project=project)
        return made

    return project, klass


def take(app_creds, klass, email: str) -> Booking:
    return seat_create(
        application=app_creds.application,
        owner_booking_id=klass.booking_id,
        customer_name="Biff",
        customer_email=email,
    )


def test_in_group_mode_the_widget_lists_open_classes_and_takes_a_seat(
    widget_page, widget_site, live_server, widget_key, app_creds, studio
):
    project, klass = class_project(app_creds, studio)
    webinar = klass(9, "Flux capacitance", 2)
    full = klass(14, "Sold out", 1)
    take(app_creds, full, "biff@example.test")
    open_widget(widget_page, widget_site, live_server, widget_key, project)

    listed = widget_page.locator(".fc-event")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text("Flux capacitance")
    [groups] = events(widget_page, "groups")
    assert [g["id"] for g in groups] == [str(webinar.booking_id)]
    listed.first.click()
    fill_and_book(widget_page)
    wait_for(widget_page, "created")
    expect(widget_page.locator(".bookingjs-form-success-message")).to_be_visible()

    webinar.refresh_from_db()
    assert webinar.taken_seats == 1
    seat = webinar.seat_bookings.get()
    assert (seat.state, seat.customer_email) == ("confirmed", "marty@example.test")


def test_a_seat_taken_meanwhile_ends_in_the_widgets_error_not_an_oversold_class(
    widget_page, widget_site, live_server, widget_key, app_creds, studio
):
    project, klass = class_project(app_creds, studio)
    last_seat = klass(9, "Last seat", 1)
    open_widget(widget_page, widget_site, live_server, widget_key, project)
    listed = widget_page.locator(".fc-event")
    expect(listed).to_have_count(1)
    listed.first.click()
    take(app_creds, last_seat, "biff@example.test")  # someone else is quicker
    fill_and_book(widget_page)

    wait_for(widget_page, "failed")
    expect(widget_page.locator(".bookingjs-error")).to_be_visible()
    [refused] = [s for m, u, s in widget_page.api_statuses if m == "POST" and "/v2/bookings" in u]
    assert refused == 422
    last_seat.refresh_from_db()
    assert last_seat.taken_seats == 1
    assert last_seat.seat_bookings.count() == 1
