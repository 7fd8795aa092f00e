"""Classes in the admin: listed with resource, start, state and seats taken/max (classes only),
seats inline with their customers, a CSV of attendees, and a cancel with the API's cascade."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Booking, BookingTransition
from bookings.services.group_bookings import booking_action
from tests.bookings.pages.class_setup import seat_for, studio, studio_class

pytestmark = pytest.mark.django_db
__all__ = ["studio"]

CHANGELIST = reverse("admin:bookings_booking_changelist")


@pytest.fixture
def yoga(app_creds, studio):
    klass = studio_class(app_creds, studio, max_seats=5)
    seat_for(app_creds, klass, email="ada@example.test", name="Ada", seats=2)
    seat_for(app_creds, klass, email="grace@example.test", name="=Grace")
    gone = seat_for(app_creds, klass, email="lin@example.test", name="Lin")
    booking_action(
        application=app_creds.application, booking_id=gone.booking_id, action="cancel_by_customer"
    )
    klass.refresh_from_db()
    return klass


def test_the_list_shows_classes_with_their_seats_taken(admin_client, yoga, studio):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    [row] = response.context["cl"].result_list  # classes only, not their seats
    assert row == yoga
    html = response.content.decode()
    assert "3/5" in html
    assert "Studio Nine" in html
    assert "tentative" in html


def test_the_list_takes_a_constant_number_of_queries(
    admin_client, app_creds, studio, yoga, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as one:
        admin_client.get(CHANGELIST)
    for _ in range(4):
        seat_for(app_creds, studio_class(app_creds, studio))
    with django_assert_max_num_queries(len(one.captured_queries)):
        admin_client.get(CHANGELIST)


def test_the_class_page_shows_its_seats_read_only(admin_client, yoga):
    response = admin_client.get(reverse("admin:bookings_booking_change", args=[yoga.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("ada@example.test", "=Grace", "lin@example.test", "cancelled_by_customer"):
        assert text in html
    assert 'name="seat_bookings-0-customer_email"' not in html  # read-only


def test_the_csv_export_lists_the_attendees(admin_client, yoga):
    response = admin_client.post(
        CHANGELIST, {"action": "export_attendees", ACTION_CHECKBOX_NAME: [yoga.pk]}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "class_id", "class", "start", "end", "resource", "name", "email", "seats", "state",
    ]  # fmt: skip
    assert [(r[5], r[6], r[7], r[8]) for r in rows[1:]] == [
        ("Ada", "ada@example.test", "2", "confirmed"),
        ("'=Grace", "grace@example.test", "1", "confirmed"),  # no formula in a spreadsheet
    ]
    assert rows[1][0] == str(yoga.booking_id)
    assert rows[1][2] == "2025-03-01T12:00:00+00:00"


def test_cancel_asks_for_a_message_first(admin_client, yoga):
    response = admin_client.post(
        CHANGELIST, {"action": "cancel_classes", ACTION_CHECKBOX_NAME: [yoga.pk]}
    )
    assert response.status_code == 200
    assert "Cancel the classes" in response.content.decode()
    yoga.refresh_from_db()
    assert yoga.state == "tentative"


def test_cancel_cascades_as_the_api_does(admin_client, yoga, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST,
            {
                "action": "cancel_classes",
                ACTION_CHECKBOX_NAME: [yoga.pk],
                "apply": "yes",
                "message": "Flooded studio.",
            },
            follow=True,
        )
    assert "1 class(es) cancelled; their customers are told." in response.content.decode()
    yoga.refresh_from_db()
    assert (yoga.state, yoga.taken_seats) == ("cancelled", 0)
    seats = Booking.objects.filter(owner_booking=yoga).order_by("customer_email")
    assert [s.state for s in seats] == [
        "cancelled_by_owner",
        "cancelled_by_owner",
        "cancelled_by_customer",
    ]
    assert (
        BookingTransition.objects.filter(
            action="cancel_by_owner", message="Flooded studio."
        ).count()
        == 2
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.test", "grace@example.test"]
    assert all("Flooded studio." in m.body for m in mail.outbox)


def test_cancel_of_a_cancelled_class_says_why(admin_client, app_creds, yoga):
    booking_action(application=app_creds.application, booking_id=yoga.booking_id, action="cancel")
    response = admin_client.post(
        CHANGELIST,
        {"action": "cancel_classes", ACTION_CHECKBOX_NAME: [yoga.pk], "apply": "yes"},
        follow=True,
    )
    assert "is not allowed in the state" in response.content.decode()


def test_classes_cannot_be_added_changed_or_deleted_in_forms(admin_client, yoga):
    assert admin_client.get(reverse("admin:bookings_booking_add")).status_code == 403
    response = admin_client.post(reverse("admin:bookings_booking_delete", args=[yoga.pk]))
    assert response.status_code == 403
