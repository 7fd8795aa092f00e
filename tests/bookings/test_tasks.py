"""The bookings app's django-q2 entry points and their schedule."""

import pytest

from bookings import tasks
from bookings.models import Booking
from tests.bookings.one_to_one import HOUR, START, book

pytestmark = pytest.mark.django_db


def test_the_autocomplete_task_completes_what_is_due_now(app_creds, resource, clock):
    booking = book(app_creds, resource)
    clock.move_to(START + 2 * HOUR)
    assert tasks.bookings_autocomplete() == 1
    assert Booking.objects.get(pk=booking.pk).state == "completed"


def test_the_mail_task_takes_transition_ids(app_creds, resource):
    booking = book(app_creds, resource)
    assert tasks.transitions_mail(list(booking.transitions.values_list("pk", flat=True))) is None
