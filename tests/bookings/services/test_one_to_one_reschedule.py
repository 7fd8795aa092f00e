"""Rescheduling a one-to-one booking: the old one leaves, a new one takes the new time, in one
transaction, re-checked like any new booking."""

import pytest

from bookings.engine.graphs import ActionNotAllowed
from bookings.models import Booking, Project
from bookings.services.one_to_one import booking_reschedule
from scheduling.models import Event
from tests.bookings.one_to_one import HOUR, START, act, book, refusal, trail
from tests.clock import FROZEN_NOW
from tests.factories import make_account, make_application

pytestmark = pytest.mark.django_db

LATER = START + 3 * HOUR


def reschedule(app_creds, booking, start, *, end=None, **kw) -> Booking:
    return booking_reschedule(
        application=app_creds.application,
        booking_id=booking.booking_id,
        start=start,
        end=end or start + HOUR,
        now=FROZEN_NOW,
        **kw,
    )


@pytest.fixture
def project(app_creds):
    return Project.objects.create(
        application=app_creds.application,
        name="Consults",
        slug="consults-r",
        created_at=FROZEN_NOW,
        updated_at=FROZEN_NOW,
    )


def test_reschedule_moves_the_booking_to_a_new_one_at_the_new_time(app_creds, resource, project):
    old = book(
        app_creds,
        resource,
        project=project,
        customer={"name": "Marty", "email": "marty@example.test", "phone": "555"},
        meta={"k": "v"},
    )
    new = reschedule(app_creds, old, LATER, message="Running late")
    old.refresh_from_db()
    assert old.state == "rescheduled_by_customer"
    assert trail(old)[-1] == ("reschedule_by_customer", "confirmed", "rescheduled_by_customer")
    assert Event.objects.get(pk=old.event_id).deleted
    assert (new.state, new.graph, new.start, new.end) == (
        "confirmed",
        "instant",
        LATER,
        LATER + HOUR,
    )
    assert new.rescheduled_from == old
    assert (new.customer_id, new.customer_name, new.customer_extra) == (
        old.customer_id,
        "Marty",
        {"phone": "555"},
    )
    assert (new.project, new.what, new.meta, new.calendar) == (
        project,
        old.what,
        {"k": "v"},
        old.calendar,
    )
    event = Event.objects.get(pk=new.event_id)
    assert (event.start, event.transparency, event.deleted) == (LATER, "opaque", False)
    assert trail(new) == [("", "", "confirmed")]


def test_reschedule_may_overlap_the_bookings_own_old_time(app_creds, resource):
    old = book(app_creds, resource)
    new = reschedule(app_creds, old, START + HOUR / 2)
    assert new.state == "confirmed"


def test_the_old_time_is_free_after_a_reschedule(app_creds, resource):
    old = book(app_creds, resource)
    reschedule(app_creds, old, LATER)
    assert book(app_creds, resource).state == "confirmed"


def test_reschedule_to_a_taken_time_is_refused_and_changes_nothing(app_creds, resource):
    old = book(app_creds, resource)
    book(app_creds, resource, start=LATER)
    assert refusal(lambda: reschedule(app_creds, old, LATER + HOUR / 2)) == (
        "start",
        "not_available",
    )
    old.refresh_from_db()
    assert old.state == "confirmed"
    assert not Event.objects.get(pk=old.event_id).deleted
    assert trail(old) == [("", "", "confirmed")]
    assert Booking.objects.count() == 2


def test_reschedule_into_the_past_is_refused(app_creds, resource):
    old = book(app_creds, resource)
    assert refusal(lambda: reschedule(app_creds, old, FROZEN_NOW - HOUR))[1] == "not_available"


def test_reschedule_to_another_resource_uses_its_calendar(app_creds, resource):
    other = make_account(app_creds.application)
    old = book(app_creds, resource)
    new = reschedule(app_creds, old, START, account=other)
    assert (new.account, new.calendar) == (other, other.calendars.get(primary=True))
    assert Event.objects.get(pk=new.event_id).calendar.account == other


def test_a_confirmed_confirm_decline_booking_is_rescheduled_to_a_new_request(app_creds, resource):
    old = book(app_creds, resource, graph="confirm_decline")
    act(app_creds, old, "confirm")
    new = reschedule(app_creds, old, LATER)
    assert (new.graph, new.state) == ("confirm_decline", "tentative")
    assert Event.objects.get(pk=new.event_id).transparency == "transparent"


def test_only_a_confirmed_booking_is_rescheduled(app_creds, resource):
    tentative = book(app_creds, resource, graph="confirm_decline")
    with pytest.raises(ActionNotAllowed):
        reschedule(app_creds, tentative, LATER)
    assert Booking.objects.count() == 1


def test_another_applications_booking_or_a_class_is_not_found(app_creds, resource):
    from tests.bookings.classes import make_class

    old = book(app_creds, resource)
    other = make_application("Other")
    with pytest.raises(Exception, match="No such one-to-one booking"):
        booking_reschedule(
            application=other.application,
            booking_id=old.booking_id,
            start=LATER,
            end=LATER + HOUR,
            now=FROZEN_NOW,
        )
    klass = make_class(app_creds, make_account(app_creds.application))
    assert refusal(lambda: reschedule(app_creds, klass, LATER)) == ("booking_id", "not_found")
