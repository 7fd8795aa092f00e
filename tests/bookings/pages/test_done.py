"""GET /rts/{token}/done and POST /rts/{token}/add-to-calendar."""

import re

import pytest
from django.test import Client

from bookings.services.booking import scheduling_request_book
from scheduling.models import Event
from tests.api_helpers import at
from tests.bookings.factories import scheduling_body, sequencing_body
from tests.bookings.pages.conftest import link_for
from tests.factories import make_user, make_user_account, primary_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(app_creds, people):
    body = scheduling_body(people)
    body["event"] |= {"description": "Bring a laptop.", "location": {"description": "Room 4"}}
    link = link_for(app_creds.application, body)
    scheduling_request_book(scheduling_request=link.request, starts=(at(10),), user_tzid="Etc/UTC")
    return link


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_confirmation_page_shows_what_was_booked(booked, visitor):
    response = visitor.get(booked.url("booking-done"), {"tz": "America/New_York"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Booked: Interview" in html
    [event] = response.context["events"]
    assert (event.day, event.when) == ("Monday 3 March 2025", "05:00\u201306:00")
    assert (event.names, event.location, event.description) == (
        "Ada and Grace",
        "Room 4",
        "Bring a laptop.",
    )
    assert f'href="{booked.url("booking-ics")}"' in html


def test_the_confirmation_page_of_a_sequence_shows_each_step(app_creds, people, visitor):
    link = link_for(app_creds.application, sequencing_body(people[0], people[1]), "sequencing")
    scheduling_request_book(
        scheduling_request=link.request, starts=(at(9), at(10)), user_tzid="Etc/UTC"
    )

    response = visitor.get(link.url("booking-done"), {"tz": "Etc/UTC"})

    assert [(e.summary, e.when, e.names) for e in response.context["events"]] == [
        ("Step screen", "09:00\u201310:00", "Ada"),
        ("Step onsite", "10:00\u201311:00", "Grace"),
    ]


def test_before_booking_the_confirmation_page_sends_the_visitor_to_the_times(link, visitor):
    response = visitor.get(link.url("booking-done"))

    assert response.status_code == 302
    assert response["Location"] == link.url()


def test_an_anonymous_visitor_is_offered_to_sign_in_instead(booked, visitor):
    html = visitor.get(booked.url("booking-done")).content.decode()

    assert "Add to my calendar" not in html
    assert "/accounts/login/?next=%2Frts%2F" in html


def test_a_signed_in_visitor_with_an_account_can_add_it_to_their_calendar(booked):
    account = make_user_account("ada")
    visitor = signed_in(account.user)
    html = visitor.get(booked.url("booking-done")).content.decode()
    assert "Add to my calendar here" in html
    assert re.search(rf'<form method="post" action="{booked.url("booking-add-to-calendar")}"', html)

    response = visitor.post(booked.url("booking-add-to-calendar"))

    assert response.status_code == 302
    assert response["Location"] == booked.url("booking-done")
    [event] = Event.objects.filter(calendar=primary_calendar(account))
    assert (event.summary, event.start, event.end) == ("Interview", at(10), at(11))
    assert (event.description, event.location_description) == ("Bring a laptop.", "Room 4")
    assert event.application is None  # the visitor's own, not managed by the integrator
    assert "Added to your calendar." in visitor.get(response["Location"]).content.decode()


def test_adding_twice_keeps_one_event(booked):
    account = make_user_account("ada")
    visitor = signed_in(account.user)

    visitor.post(booked.url("booking-add-to-calendar"))
    visitor.post(booked.url("booking-add-to-calendar"))

    assert Event.objects.filter(calendar=primary_calendar(account)).count() == 1


def test_a_signed_in_visitor_without_an_account_gets_no_button_and_no_event(booked):
    visitor = signed_in(make_user("bob"))

    html = visitor.get(booked.url("booking-done")).content.decode()
    response = visitor.post(booked.url("booking-add-to-calendar"))

    assert "Add to my calendar" not in html
    assert "Sign in" not in html.split("<main>")[1]
    assert "You have no calendar here" in visitor.get(response["Location"]).content.decode()
    assert not Event.objects.filter(calendar__account__user__username="bob").exists()


def test_adding_needs_a_sign_in(booked, visitor):
    response = visitor.post(booked.url("booking-add-to-calendar"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_adding_needs_the_csrf_token(booked):
    account = make_user_account("ada")
    visitor = Client(enforce_csrf_checks=True)
    visitor.force_login(account.user)

    response = visitor.post(booked.url("booking-add-to-calendar"))

    assert response.status_code == 403
    assert not Event.objects.filter(calendar=primary_calendar(account)).exists()


def test_nothing_can_be_added_before_booking(link):
    account = make_user_account("ada")

    response = signed_in(account.user).post(link.url("booking-add-to-calendar"))

    assert response.status_code == 302
    assert response["Location"] == link.url()
    assert not Event.objects.filter(calendar=primary_calendar(account)).exists()
