"""A project's public booking page: its times, live, in the visitor's zone; the confirmation
form books through booking_create after re-checking the project still offers the time; the done
page; classes for a class project."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import Booking
from bookings.services.projects import project_create
from scheduling.models import Event
from tests.bookings.pages.class_setup import START, studio, studio_class
from tests.factories import make_event, primary_calendar

pytestmark = pytest.mark.django_db
__all__ = ["studio"]  # a fixture

# Saturday 1 March 2025; the studio is in London (GMT then).
DAY_START = START.replace(hour=0)


def make_project(app_creds, studio, graph="instant", **availability):
    return project_create(
        application=app_creds.application,
        name="Consultation",
        slug="consult",
        resource_ids=[studio.sub],
        availability={
            "length": "1 hour",
            "from": DAY_START.isoformat(),
            "to": (DAY_START + dt.timedelta(days=1)).isoformat(),
            **availability,
        },
        availability_constraints=[{"allow_hours": {"start": 9, "end": 12}}],
        booking={"graph": graph},
        ui={"display_name": "Talk to the studio"},
    )


def offered(client, **query) -> list[str]:
    page = client.get(reverse("project-page", args=["consult"]), query)
    assert page.status_code == 200
    return re.findall(r'class="slot" href="([^"]+)"', page.content.decode())


def test_the_page_offers_the_projects_times_in_the_visitors_zone(client, app_creds, studio):
    make_project(app_creds, studio)
    make_event(primary_calendar(studio), DAY_START.replace(hour=10), DAY_START.replace(hour=11))
    page = client.get(reverse("project-page", args=["consult"]), {"tz": "Asia/Tokyo"})
    text = page.content.decode()
    assert "Talk to the studio" in text
    # 09:00 and 11:00 London (10:00 is busy) are 18:00 and 20:00 in Tokyo.
    assert re.findall(r'class="slot" href="[^"]+">([^<]+)<', text) == [
        "18:00\u201319:00",
        "20:00\u201321:00",
    ]


def test_booking_a_time_writes_it_and_mails_the_customer(
    client,
    app_creds,
    studio,
    django_capture_on_commit_callbacks,
):
    make_project(app_creds, studio)
    confirm = offered(client, tz="Europe/London")[0].replace("&amp;", "&")
    assert client.get(confirm).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            confirm, {"name": "Ada", "email": "ada@example.test", "tz": "Europe/London"}
        )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.state, booking.start, booking.project.slug) == (
        "confirmed",
        DAY_START.replace(hour=9),
        "consult",
    )
    assert booking.what == "Talk to the studio"
    assert Event.objects.filter(
        calendar__account=studio, deleted=False, start=booking.start
    ).exists()
    done = client.get(response["Location"])
    assert "Booked: Talk to the studio" in done.content.decode()
    assert [m.to for m in mail.outbox] == [["ada@example.test"]]
    # The time is gone from the page.
    assert len(offered(client, tz="Europe/London")) == 2


def test_a_time_taken_meanwhile_is_refused_and_nothing_is_booked(client, app_creds, studio):
    make_project(app_creds, studio)
    confirm = offered(client, tz="Europe/London")[0].replace("&amp;", "&")
    make_event(primary_calendar(studio), DAY_START.replace(hour=9), DAY_START.replace(hour=10))
    response = client.post(confirm, {"name": "Ada", "email": "ada@example.test"})
    assert response.status_code == 409
    assert "no longer available" in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2025-03-01T09:30:00+00:00"},  # off the slot grid
        {"start": "2025-03-01T14:00:00+00:00"},  # outside the project's hours
        {"start": "not a time"},
    ],
)
def test_a_time_the_project_does_not_offer_cannot_be_booked(client, app_creds, studio, query):
    make_project(app_creds, studio)
    url = reverse("project-confirm", args=["consult"])
    response = client.post(
        url
        + "?"
        + "&".join(
            f"{k}={v.replace('+', '%2B')}" for k, v in {**query, "resource": studio.sub}.items()
        ),
        {"name": "Ada", "email": "ada@example.test"},
    )
    assert response.status_code == 409
    assert not Booking.objects.exists()


def test_bad_form_input_is_the_form_again(client, app_creds, studio):
    make_project(app_creds, studio)
    confirm = offered(client, tz="Europe/London")[0].replace("&amp;", "&")
    response = client.post(confirm, {"name": "", "email": "nope"})
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_a_confirm_decline_project_takes_a_request_and_mails_the_owner(
    client,
    app_creds,
    studio,
    django_capture_on_commit_callbacks,
):
    make_project(app_creds, studio, graph="confirm_decline")
    confirm = offered(client, tz="Europe/London")[0].replace("&amp;", "&")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {"name": "Ada", "email": "ada@example.test"})
    assert Booking.objects.get().state == "tentative"
    assert "Requested: Talk to the studio" in client.get(response["Location"]).content.decode()
    assert [m.to for m in mail.outbox] == [["studio@example.test"]]


def test_a_class_project_lists_its_open_classes(client, app_creds, studio):
    project = make_project(app_creds, studio, graph="group_customer")
    klass = studio_class(app_creds, studio, what="Morning yoga")
    Booking.objects.filter(pk=klass.pk).update(project=project)
    other = project_create(application=app_creds.application, name="Other", slug="other")
    elsewhere = studio_class(
        app_creds, studio, what="Not in the project", start=START + dt.timedelta(hours=3)
    )
    Booking.objects.filter(pk=elsewhere.pk).update(project=other)
    full = studio_class(app_creds, studio, what="Full already", max_seats=1)
    Booking.objects.filter(pk=full.pk).update(project=project, taken_seats=1)
    text = client.get(reverse("project-page", args=["consult"])).content.decode()
    assert "Morning yoga" in text
    assert "Not in the project" not in text
    assert "Full already" not in text


def test_an_unknown_project_is_not_found(client):
    assert client.get(reverse("project-page", args=["nope"])).status_code == 404
    assert client.get(reverse("project-done", args=["forged"])).status_code == 404


def test_the_done_pages_cancel_link_frees_the_time(client, app_creds, studio):
    make_project(app_creds, studio)
    confirm = offered(client, tz="Europe/London")[0].replace("&amp;", "&")
    done = client.get(
        client.post(confirm, {"name": "Ada", "email": "ada@example.test"})["Location"]
    )
    cancel = re.search(r'href="(/bookings/actions/[^"]+)"', done.content.decode()).group(1)
    assert client.get(cancel).status_code == 200
    assert Booking.objects.get().state == "confirmed"  # a GET changes nothing
    assert client.post(cancel).status_code in (200, 302)
    assert Booking.objects.get().state == "cancelled_by_customer"
    assert len(offered(client, tz="Europe/London")) == 3
