"""The public class pages: a resource's upcoming classes in the visitor's zone, a class page
that takes seats through seat_create, and its waitlist when full."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from bookings.action_links import action_token_read
from bookings.models import Booking, WaitlistEntry
from bookings.pages.zones import COOKIE
from bookings.services.group_bookings import booking_action
from tests.bookings.classes import make_class
from tests.bookings.pages.class_setup import HOUR, START, seat_for, studio, studio_class
from tests.factories import make_account, make_application

pytestmark = pytest.mark.django_db
__all__ = ["studio"]


@pytest.fixture
def visitor() -> Client:
    return Client()


def listed(response) -> list[tuple[str, str, str, int]]:
    return [(c.what, c.day, c.when, c.seats_left) for c in response.context["classes"]]


def class_url(studio, klass) -> str:
    return reverse("class-page", args=[studio.sub, klass.booking_id])


def test_the_list_shows_upcoming_classes_with_seats_left_in_the_resources_zone(
    app_creds, studio, visitor
):
    later = studio_class(app_creds, studio, start=START + dt.timedelta(days=1), what="Pilates")
    soon = studio_class(app_creds, studio)
    seat_for(app_creds, soon, seats=2)

    response = visitor.get(reverse("class-list", args=[studio.sub]))

    assert response.status_code == 200
    assert listed(response) == [
        ("Morning yoga", "Saturday 1 March 2025", "12:00\u201313:00", 1),
        ("Pilates", "Sunday 2 March 2025", "12:00\u201313:00", 3),
    ]
    html = response.content.decode()
    assert "1 of 3 seats left" in html
    assert f'href="{class_url(studio, later)}?tz=Europe/London"' in html
    assert "no-cache" in response["Cache-Control"]


def test_the_list_leaves_out_started_cancelled_and_other_resources_classes(
    app_creds, studio, visitor, clock
):
    studio_class(app_creds, studio, what="Started")
    cancelled = studio_class(app_creds, studio, what="Cancelled", start=START + HOUR)
    booking_action(
        application=app_creds.application, booking_id=cancelled.booking_id, action="cancel"
    )
    other = make_account(app_creds.application, kind="resource", name="Elsewhere")
    studio_class(app_creds, other, what="Elsewhere", start=START + HOUR)
    studio_class(app_creds, studio, what="Kept", start=START + HOUR)
    clock.move_to(START + dt.timedelta(minutes=1))

    response = visitor.get(reverse("class-list", args=[studio.sub]))

    assert [c.what for c in response.context["classes"]] == ["Kept"]


def test_a_full_class_is_listed_as_full(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio, max_seats=1)
    seat_for(app_creds, klass)
    html = visitor.get(reverse("class-list", args=[studio.sub])).content.decode()
    assert "Full: join the waitlist" in html


def test_only_resources_have_class_pages(app_creds, resource, visitor):
    """`resource` (tests/bookings/classes.py) is an application calendar, not a RESOURCE."""
    klass = make_class(app_creds, resource)
    assert visitor.get(reverse("class-list", args=[resource.sub])).status_code == 404
    assert visitor.get(class_url(resource, klass)).status_code == 404
    assert visitor.get(reverse("class-list", args=["res_unknown"])).status_code == 404


def test_a_class_of_another_resource_or_a_seat_is_not_found(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    seat = seat_for(app_creds, klass)
    other = make_account(make_application("Other").application, kind="resource")
    assert visitor.get(class_url(other, klass)).status_code == 404
    assert visitor.get(class_url(studio, seat)).status_code == 404


def test_the_list_shows_times_in_the_zone_chosen_across_a_dst_change(app_creds, studio, visitor):
    """London moves to BST on 30 March 2025: a class at 12:00 UTC is at 12:00 before, 13:00
    after; in New York (EDT from 9 March) 07:00 then 08:00."""
    studio_class(app_creds, studio, what="Before")
    studio_class(app_creds, studio, start=dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC), what="After")

    london = visitor.get(reverse("class-list", args=[studio.sub]))
    new_york = visitor.get(reverse("class-list", args=[studio.sub]), {"tz": "America/New_York"})

    assert [(c.day, c.when) for c in london.context["classes"]] == [
        ("Saturday 1 March 2025", "12:00\u201313:00"),
        ("Monday 31 March 2025", "13:00\u201314:00"),
    ]
    assert [c.when for c in new_york.context["classes"]] == ["07:00\u201308:00", "08:00\u201309:00"]
    assert new_york.cookies[COOKIE].value == "America/New_York"
    assert new_york.cookies[COOKIE]["path"] == "/classes/"
    again = visitor.get(reverse("class-list", args=[studio.sub]))
    assert again.context["visitor"].tzid == "America/New_York"


def test_the_list_takes_a_constant_number_of_queries(
    app_creds, studio, visitor, django_assert_num_queries
):
    url = reverse("class-list", args=[studio.sub])
    studio_class(app_creds, studio)
    visitor.get(url)
    with django_assert_num_queries(2) as one:
        visitor.get(url)
    for n in range(5):
        klass = studio_class(app_creds, studio, start=START + dt.timedelta(days=n + 1))
        seat_for(app_creds, klass)
    with django_assert_num_queries(len(one.captured_queries)):
        response = visitor.get(url)
    assert len(response.context["classes"]) == 6


def test_the_class_page_offers_a_seat(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    response = visitor.get(class_url(studio, klass), {"tz": "Asia/Tokyo"})
    assert response.status_code == 200
    view = response.context["klass"]
    assert (view.day, view.when, view.seats_left) == (
        "Saturday 1 March 2025",
        "21:00\u201322:00",
        3,
    )
    html = response.content.decode()
    assert "Book my seat" in html
    assert "Join the waitlist" not in html


def test_taking_a_seat_books_it_and_shows_it(
    app_creds, studio, visitor, django_capture_on_commit_callbacks
):
    klass = studio_class(app_creds, studio)
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(
            class_url(studio, klass),
            {"name": "Ada", "email": "ada@example.test", "seats": "2", "tz": "Asia/Tokyo"},
        )

    assert response.status_code == 302
    seat = Booking.objects.get(owner_booking=klass)
    assert (seat.customer_name, seat.customer_email, seat.seats, seat.customer_timezone) == (
        "Ada",
        "ada@example.test",
        2,
        "Asia/Tokyo",
    )
    klass.refresh_from_db()
    assert klass.taken_seats == 2
    assert [m.to for m in mail.outbox] == [["ada@example.test"]]
    done = visitor.get(response["Location"])
    assert done.status_code == 200
    html = done.content.decode()
    assert "You have a seat: Morning yoga" in html
    assert "21:00\u201322:00" in html
    token = response["Location"].split("/classes/seats/")[1].split("?")[0]
    assert action_token_read(token).booking_id == str(seat.booking_id)
    assert reverse("booking-action", args=[token]) in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "email": "ada@example.test", "seats": "1"}, "name"),
        ({"name": "Ada", "email": "not-an-email", "seats": "1"}, "email"),
        ({"name": "Ada", "email": "ada@example.test", "seats": "0"}, "seats"),
        ({"name": "Ada", "email": "ada@example.test", "seats": "many"}, "seats"),
        ({"name": "Ada" * 100, "email": "ada@example.test", "seats": "1"}, "name"),
    ],
)
def test_bad_input_gets_the_form_again_and_changes_nothing(app_creds, studio, visitor, data, field):
    klass = studio_class(app_creds, studio)
    response = visitor.post(class_url(studio, klass), data)
    assert response.status_code == 400
    assert field in response.context["seat_form"].errors
    assert not Booking.objects.filter(owner_booking=klass).exists()


def test_more_seats_than_left_is_refused_with_the_reason(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    seat_for(app_creds, klass, seats=2)
    response = visitor.post(
        class_url(studio, klass), {"name": "Ada", "email": "ada@example.test", "seats": "2"}
    )
    assert response.status_code == 409
    assert "Only 1 seat(s) left; 2 requested." in response.content.decode()
    klass.refresh_from_db()
    assert klass.taken_seats == 2


def test_a_full_class_offers_its_waitlist(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio, max_seats=1)
    seat_for(app_creds, klass)
    html = visitor.get(class_url(studio, klass)).content.decode()
    assert "This class is full" in html
    assert "Book my seat" not in html


def test_joining_the_waitlist(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio, max_seats=1)
    seat_for(app_creds, klass)
    url = reverse("class-waitlist", args=[studio.sub, klass.booking_id])

    response = visitor.post(url, {"name": "Wanda", "email": "w@example.test", "tz": "Europe/Paris"})

    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.name, entry.email, entry.timezone, entry.state) == (
        "Wanda",
        "w@example.test",
        "Europe/Paris",
        "waiting",
    )
    page = visitor.get(response["Location"])
    assert "You are on the waitlist, number 1 in line." in page.content.decode()
    again = visitor.post(url, {"name": "Wanda", "email": "w@example.test"})
    assert again.status_code == 409
    assert "You are already on the waitlist." in again.content.decode()


def test_the_waitlist_refuses_bad_input_and_a_class_with_seats(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    url = reverse("class-waitlist", args=[studio.sub, klass.booking_id])
    bad = visitor.post(url, {"name": "Wanda", "email": "nope"})
    assert bad.status_code == 400
    assert "email" in bad.context["waitlist_form"].errors
    seats = visitor.post(url, {"name": "Wanda", "email": "w@example.test"})
    assert seats.status_code == 409
    assert "Seats are available: take one." in seats.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_a_cancelled_class_page_says_so(app_creds, studio, visitor):
    klass = studio_class(app_creds, studio)
    booking_action(application=app_creds.application, booking_id=klass.booking_id, action="cancel")
    html = visitor.get(class_url(studio, klass)).content.decode()
    assert "The class was cancelled." in html
    assert "Book my seat" not in html
    assert "Join the waitlist" not in html
