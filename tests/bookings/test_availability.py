"""bookings.availability: slot_problem (the booking services' check) and availability_slots
called directly (an injected random order)."""

import datetime as dt
import random

import pytest

from bookings.availability import AvailabilityRequest, availability_slots, slot_problem
from bookings.engine.constraints import constraints_parse
from bookings.models import Project, ResourceSettings
from scheduling.errors import ValidationFailed
from scheduling.models import Event
from scheduling.services.accounts import resource_create
from tests.clock import FROZEN_NOW
from tests.factories import make_event, primary_calendar

pytestmark = pytest.mark.django_db

UTC = dt.UTC
START = dt.datetime(2025, 3, 3, 10, tzinfo=UTC)  # a Monday, 10:00 UTC
END = START + dt.timedelta(hours=1)


@pytest.fixture
def doc(app_creds):
    return resource_create(
        application=app_creds.application, name="Doc", default_tzid="Europe/Paris"
    )


def problem(doc, **kwargs):
    return slot_problem(account=doc, **({"start": START, "end": END, "now": FROZEN_NOW} | kwargs))


def test_a_free_resource_has_no_problem(doc):
    assert problem(doc) is None


def test_a_busy_event_is_a_problem_unless_it_is_ignored(doc):
    event = make_event(primary_calendar(doc), START + dt.timedelta(minutes=30), END)
    assert problem(doc) == "The resource is busy at this time."
    assert problem(doc, ignore_event=event.pk) is None


def test_free_and_cancelled_events_are_no_problem(doc):
    calendar = primary_calendar(doc)
    make_event(calendar, START, END, transparency=Event.Transparency.TRANSPARENT)
    make_event(calendar, START, END, status=Event.Status.CANCELLED)
    assert problem(doc) is None


def test_the_buffer_keeps_time_free_around_busy_events(doc):
    make_event(primary_calendar(doc), END + dt.timedelta(minutes=10), END + dt.timedelta(hours=1))
    assert problem(doc) is None
    assert problem(doc, buffer=dt.timedelta(minutes=15)) == "The resource is busy at this time."


def test_the_past_is_a_problem(doc):
    assert problem(doc, now=START + dt.timedelta(seconds=1)) == "The time has passed."


def test_the_resources_constraints_apply_in_its_zone(doc):
    # 10:00 UTC is 11:00 in Paris
    ResourceSettings.objects.create(
        account=doc, availability_constraints=[{"allow_hours": {"start": 11, "end": 12}}]
    )
    assert problem(doc) is None
    assert problem(doc, start=START - dt.timedelta(minutes=30), end=END - dt.timedelta(minutes=30))


def test_the_projects_and_the_given_constraints_apply(app_creds, doc):
    project = Project(
        application=app_creds.application,
        availability_constraints=[{"block_day": {"day": "Monday"}}],
    )
    assert "constraints" in problem(doc, project=project)
    assert "constraints" in problem(
        doc, constraints=[{"allow_weekdays": {}}, {"allow_hours": {"start": 14, "end": 18}}]
    )
    assert problem(doc, constraints=constraints_parse([{"allow_weekdays": {}}])) is None


def test_slot_problem_takes_two_queries(doc, django_assert_num_queries):
    make_event(primary_calendar(doc), START, END)
    with django_assert_num_queries(2):
        problem(doc)


def test_roundrobin_random_uses_the_given_random_once(app_creds):
    subs = [resource_create(application=app_creds.application, name=f"R{i}").sub for i in range(5)]
    request = AvailabilityRequest(
        resources=tuple(subs), start=START, end=START + dt.timedelta(hours=3)
    )
    found = availability_slots(
        application=app_creds.application, request=request, now=FROZEN_NOW, rng=random.Random(7)
    )
    order = subs.copy()
    random.Random(7).shuffle(order)
    assert [[r.sub for r in slot.resources] for slot in found] == [[order[0]]] * 3


def test_unknown_and_repeated_resources_are_named_by_index(app_creds, doc):
    request = AvailabilityRequest(resources=(doc.sub, "res_nope", doc.sub), start=START, end=END)
    with pytest.raises(ValidationFailed) as caught:
        availability_slots(application=app_creds.application, request=request, now=FROZEN_NOW)
    assert set(caught.value.errors) == {"resources.1", "resources.2"}


def test_fractions_of_a_second_are_no_problem(doc):
    assert problem(doc, start=START + dt.timedelta(microseconds=5), end=END) is None
