"""One-to-one bookings (instant, confirm_decline) through the services (SQLite and PostgreSQL):
each transition's side effects, and the re-check that refuses a double booking."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability import resource_constraints_set
from bookings.engine.graphs import ActionNotAllowed
from bookings.models import Booking, BookingTransition, Project
from bookings.services.group_bookings import booking_action
from bookings.services.one_to_one import booking_create
from bookings.services.projects import project_create
from scheduling.models import Account, Event
from scheduling.services.events import event_upsert
from scheduling.timeformat import TimeValue
from tests.bookings.classes import make_class
from tests.bookings.one_to_one import CUSTOMER, HOUR, START, act, book, refusal, trail
from tests.clock import FROZEN_NOW
from tests.factories import make_account, make_application

pytestmark = pytest.mark.django_db

HALF = HOUR / 2


def event_of(booking) -> Event:
    return Event.objects.get(pk=booking.event_id)


def api_event(app_creds, resource, start, end, **values) -> Event:
    return event_upsert(
        account=resource,
        application=app_creds.application,
        calendar_id=resource.calendars.get(primary=True).calendar_id,
        event_id=f"meeting-{start:%H%M}",
        summary="Meeting",
        start=TimeValue(start),
        end=TimeValue(end),
        now=FROZEN_NOW,
        **values,
    )


def nothing_written(before: tuple[int, int, int]) -> bool:
    counts = (Booking.objects.count(), Event.objects.count(), BookingTransition.objects.count())
    return counts == before


def counts() -> tuple[int, int, int]:
    return (Booking.objects.count(), Event.objects.count(), BookingTransition.objects.count())


# Creating


def test_an_instant_booking_is_confirmed_and_holds_the_time_in_the_resource_calendar(
    app_creds, resource
):
    booking = book(app_creds, resource, where="Hill Valley", description="Bring the almanac")
    assert (booking.graph, booking.state) == ("instant", "confirmed")
    event = event_of(booking)
    assert event.calendar == resource.calendars.get(primary=True)
    assert (event.event_id, event.application) == (
        f"booking_{booking.booking_id}",
        app_creds.application,
    )
    assert (event.start, event.end, event.summary) == (START, START + HOUR, "Consultation")
    assert (event.location_description, event.description) == ("Hill Valley", "Bring the almanac")
    assert (event.transparency, event.status, event.deleted) == ("opaque", "confirmed", False)
    assert trail(booking) == [("", "", "confirmed")]


def test_a_booking_keeps_its_customer_extra_fields_project_and_meta(app_creds, resource):
    project = Project.objects.create(
        application=app_creds.application,
        name="Consults",
        slug="consults",
        created_at=FROZEN_NOW,
        updated_at=FROZEN_NOW,
    )
    customer = CUSTOMER | {"phone": "+1 555 0100", "comment": "Great Scott"}
    booking = book(app_creds, resource, customer=customer, project=project, meta={"k": "v"})
    booking.refresh_from_db()
    assert (booking.customer_name, booking.customer_email, booking.customer_timezone) == (
        "Marty McFly",
        "marty@example.test",
        "Europe/Berlin",
    )
    assert booking.customer_extra == {"phone": "+1 555 0100", "comment": "Great Scott"}
    assert (booking.project, booking.meta) == (project, {"k": "v"})


def test_a_confirm_decline_booking_is_tentative_and_its_event_does_not_hold_the_time(
    app_creds, resource
):
    booking = book(app_creds, resource, graph="confirm_decline")
    assert booking.state == "tentative"
    event = event_of(booking)
    assert (event.transparency, event.status, event.deleted) == ("transparent", "tentative", False)
    assert trail(booking) == [("", "", "tentative")]


def test_a_tentative_booking_does_not_block_another_booking_of_its_time(app_creds, resource):
    book(app_creds, resource, graph="confirm_decline")
    other = book(app_creds, resource, graph="instant", start=START + HALF)
    assert other.state == "confirmed"


def test_a_booking_overlapping_a_confirmed_booking_is_refused_and_writes_nothing(
    app_creds, resource
):
    book(app_creds, resource)
    before = counts()
    for graph in ("instant", "confirm_decline"):
        call = lambda graph=graph: book(app_creds, resource, graph=graph, start=START + HALF)  # noqa: E731
        assert refusal(call) == ("start", "not_available")
    assert nothing_written(before)


def test_a_booking_right_after_another_is_accepted(app_creds, resource):
    book(app_creds, resource)
    assert book(app_creds, resource, start=START + HOUR).state == "confirmed"
    assert book(app_creds, resource, start=START - HOUR).state == "confirmed"


def test_another_resources_booking_does_not_block(app_creds, resource):
    book(app_creds, make_account(app_creds.application))
    assert book(app_creds, resource).state == "confirmed"


def test_a_class_in_the_resource_calendar_blocks_its_time(app_creds, resource):
    make_class(app_creds, resource)  # START to START + HOUR
    before = counts()
    assert refusal(lambda: book(app_creds, resource, start=START - HALF)) == (
        "start",
        "not_available",
    )
    assert nothing_written(before)


def test_an_api_event_that_is_busy_blocks_its_time(app_creds, resource):
    api_event(app_creds, resource, START + HALF, START + 2 * HOUR)
    assert refusal(lambda: book(app_creds, resource)) == ("start", "not_available")


def test_free_and_cancelled_api_events_do_not_block(app_creds, resource):
    api_event(app_creds, resource, START, START + HOUR, transparency="transparent")
    api_event(app_creds, resource, START + HALF, START + HOUR, status="cancelled")
    assert book(app_creds, resource).state == "confirmed"


def test_a_start_in_the_past_is_refused(app_creds, resource):
    assert refusal(lambda: book(app_creds, resource, now=START + dt.timedelta(minutes=1))) == (
        "start",
        "not_available",
    )
    assert not Booking.objects.exists()


def test_a_class_graph_or_an_end_before_the_start_is_refused(app_creds, resource):
    assert refusal(lambda: book(app_creds, resource, graph="group_owner")) == (
        "graph",
        "not_one_to_one",
    )
    assert refusal(lambda: book(app_creds, resource, end=START)) == ("end", "not_after_start")
    assert not Booking.objects.exists()


def test_another_resources_calendar_is_refused(app_creds, resource):
    other = make_account(app_creds.application).calendars.get(primary=True)
    assert refusal(lambda: book(app_creds, resource, calendar=other)) == (
        "calendar_id",
        "not_found",
    )


# The calendar; savepoint, account lock, three re-check reads (confirmed bookings, the resource's
# constraints, busy events), the booking; the event write (its savepoints, lock and insert); the
# booking's event link, its transition, the webhooks: the same however much the resource holds.
EXPECTED_QUERIES = 17


def test_booking_create_runs_a_constant_number_of_queries(app_creds, resource):
    def queries(start) -> int:
        with CaptureQueriesContext(connection) as captured:
            book(app_creds, resource, start=start)
        return len(captured)

    first = queries(START)
    for n in range(1, 6):
        api_event(app_creds, resource, START + n * 3 * HOUR, START + (n * 3 + 1) * HOUR)
        book(app_creds, resource, start=START + (n * 3 + 1) * HOUR)
    assert queries(START + 30 * HOUR) == first == EXPECTED_QUERIES


# Across DST changes: stored in UTC, compared as instants


BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_times_given_in_a_zone_are_stored_as_utc_instants_across_the_spring_gap(
    app_creds, resource
):
    # Berlin moves from 02:00 CET to 03:00 CEST on 30 March 2025: 01:30 to 03:30 local is 1 hour.
    start = dt.datetime(2025, 3, 30, 1, 30, tzinfo=BERLIN)
    end = dt.datetime(2025, 3, 30, 3, 30, tzinfo=BERLIN)
    booking = book(app_creds, resource, start=start, end=end)
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (
        dt.datetime(2025, 3, 30, 0, 30, tzinfo=dt.UTC),
        dt.datetime(2025, 3, 30, 1, 30, tzinfo=dt.UTC),
    )
    # An instant inside it, given in New York's zone (EDT since 9 March: 21:00 is 01:00 UTC).
    overlapping = dt.datetime(2025, 3, 29, 21, 0, tzinfo=NEW_YORK)
    assert refusal(lambda: book(app_creds, resource, start=overlapping)) == (
        "start",
        "not_available",
    )


def test_the_twice_lived_autumn_hour_holds_two_separate_bookings(app_creds, resource):
    # Berlin repeats 02:00 to 03:00 on 26 October 2025: 02:00 CEST and 02:00 CET are an hour apart.
    # (Arithmetic on local datetimes would lose the fold: the instants are taken in UTC.)
    first = dt.datetime(2025, 10, 26, 2, 0, tzinfo=BERLIN, fold=0).astimezone(dt.UTC)
    second = dt.datetime(2025, 10, 26, 2, 0, tzinfo=BERLIN, fold=1).astimezone(dt.UTC)
    a = book(app_creds, resource, start=first, end=first + HALF)
    b = book(app_creds, resource, start=second, end=second + HALF)
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.start - a.start == HOUR
    assert a.start == dt.datetime(2025, 10, 26, 0, 0, tzinfo=dt.UTC)


# Actions


def test_confirm_rechecks_and_makes_the_event_hold_the_time(app_creds, resource):
    booking = book(app_creds, resource, graph="confirm_decline")
    confirmed = act(app_creds, booking, "confirm", message="See you")
    assert confirmed.state == "confirmed"
    event = event_of(booking)
    assert (event.transparency, event.status, event.deleted) == ("opaque", "confirmed", False)
    assert trail(booking) == [("", "", "tentative"), ("confirm", "tentative", "confirmed")]
    assert BookingTransition.objects.get(booking=booking, action="confirm").message == "See you"
    assert refusal(lambda: book(app_creds, resource, start=START + HALF))[1] == "not_available"


def test_confirm_is_refused_when_the_time_was_taken_meanwhile(app_creds, resource):
    booking = book(app_creds, resource, graph="confirm_decline")
    book(app_creds, resource, start=START + HALF)  # an instant booking takes the time
    assert refusal(lambda: act(app_creds, booking, "confirm")) == ("start", "not_available")
    booking.refresh_from_db()
    assert booking.state == "tentative"
    assert event_of(booking).transparency == "transparent"
    assert trail(booking) == [("", "", "tentative")]


def test_confirm_is_refused_when_a_busy_event_came_meanwhile(app_creds, resource):
    booking = book(app_creds, resource, graph="confirm_decline")
    api_event(app_creds, resource, START, START + HALF)
    assert refusal(lambda: act(app_creds, booking, "confirm")) == ("start", "not_available")


def test_decline_removes_the_tentative_event(app_creds, resource):
    booking = book(app_creds, resource, graph="confirm_decline")
    assert act(app_creds, booking, "decline", message="Busy").state == "declined"
    assert event_of(booking).deleted
    assert trail(booking)[-1] == ("decline", "tentative", "declined")


@pytest.mark.parametrize(
    ("graph", "action", "state"),
    [
        ("instant", "cancel", "cancelled"),
        ("instant", "cancel_by_customer", "cancelled_by_customer"),
        ("instant", "reschedule_by_customer", "rescheduled_by_customer"),
        ("confirm_decline", "cancel", "cancelled"),
        ("confirm_decline", "cancel_by_customer", "cancelled_by_customer"),
    ],
)
def test_a_cancellation_removes_the_event_and_frees_the_time(
    app_creds, resource, graph, action, state
):
    booking = book(app_creds, resource, graph=graph)
    if graph == "confirm_decline":
        act(app_creds, booking, "confirm")
    assert act(app_creds, booking, action).state == state
    assert event_of(booking).deleted
    assert trail(booking)[-1] == (action, "confirmed", state)
    assert book(app_creds, resource).state == "confirmed"


def test_complete_keeps_the_event_and_the_time(app_creds, resource):
    booking = book(app_creds, resource)
    later = START + 2 * HOUR
    assert act(app_creds, booking, "complete", now=later).state == "completed"
    assert not event_of(booking).deleted
    assert trail(booking)[-1] == ("complete", "confirmed", "completed")
    assert Booking.objects.get(pk=booking.pk).state == "completed"


def test_an_action_the_state_does_not_allow_changes_nothing(app_creds, resource):
    booking = book(app_creds, resource)
    with pytest.raises(ActionNotAllowed, match="'confirmed'"):
        act(app_creds, booking, "decline")
    booking.refresh_from_db()
    assert booking.state == "confirmed"
    assert not event_of(booking).deleted


def test_another_application_cannot_act_on_a_booking(app_creds, resource):
    booking = book(app_creds, resource)
    other = make_application("Other")
    with pytest.raises(Exception, match="No such booking"):
        booking_action(
            application=other.application, booking_id=booking.booking_id, action="cancel"
        )
    booking.refresh_from_db()
    assert booking.state == "confirmed"


def test_booking_create_accepts_the_contracts_keywords(app_creds, resource):
    booking = booking_create(
        application=app_creds.application,
        account=resource,
        graph="instant",
        start=START,
        end=START + HOUR,
        customer={"name": "Doc", "email": "doc@example.test"},
        now=FROZEN_NOW,
    )
    assert (booking.what, booking.customer_timezone, booking.customer_extra) == ("", "", {})


# The project's availability settings bind its bookings


def room(app_creds):
    return make_account(app_creds.application, kind=Account.Kind.RESOURCE, name="Room")


def test_booking_create_keeps_the_projects_buffer_free(app_creds):
    resource = room(app_creds)

    project = project_create(
        application=app_creds.application,
        name="Consults",
        resource_ids=[resource.sub],
        availability={"buffer": "30 minutes"},
    )
    api_event(app_creds, resource, START, START + HOUR)
    assert (
        refusal(lambda: book(app_creds, resource, start=START + HOUR, project=project))[0]
        == "start"
    )
    assert (
        book(app_creds, resource, start=START + HOUR + HOUR / 2, project=project).state
        == "confirmed"
    )
    # Without the project, back to back is fine.
    assert book(app_creds, resource, start=START - HOUR).state == "confirmed"


def test_booking_create_respects_the_resources_and_projects_constraints(app_creds):
    resource = room(app_creds)

    project = project_create(
        application=app_creds.application,
        name="Mornings",
        resource_ids=[resource.sub],
        availability_constraints=[{"allow_hours": {"start": 8, "end": 12}}],
    )
    morning = START.replace(hour=9)
    afternoon = START.replace(hour=14)
    assert (
        refusal(lambda: book(app_creds, resource, start=afternoon, project=project))[0] == "start"
    )
    resource_constraints_set(
        resource=resource, constraints=[{"block_day": {"day": morning.strftime("%A")}}]
    )
    assert refusal(lambda: book(app_creds, resource, start=morning, project=project))[0] == "start"
    assert not Booking.objects.exists()
