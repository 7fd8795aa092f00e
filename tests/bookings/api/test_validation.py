"""Every rule a scheduling or sequencing request must meet: a 422 in the /v1 shape on the path of
the offending field (nested paths flattened, `availability.participants.0.members.0.sub`), and
nothing stored. Each case breaks, in one place, a body that is accepted as it stands."""

import copy

import pytest

from bookings.api.serializers import RealTimeSchedulingSerializer, RealTimeSequencingSerializer
from scheduling.api.availability_input import (
    AvailabilityRequestSerializer,
    SequencedAvailabilityRequestSerializer,
)
from scheduling.engine import limits
from tests.api_helpers import at, period, z
from tests.bookings.api.calls import SCHEDULING, SEQUENCING, stored
from tests.bookings.factories import scheduling_body, sequencing_body
from tests.factories import make_account, make_application, primary_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(key_api):
    def call(path: str, body: dict):
        return key_api.call("POST", path, body)

    return call


def changed(body: dict, change) -> dict:
    body = copy.deepcopy(body)
    change(body)
    return body


def errors_of(response) -> dict:
    assert response.status_code == 422, response.content
    return response.json()["errors"]


def test_the_bodies_the_cases_break_are_accepted(post, people):
    assert post(SCHEDULING, scheduling_body(people)).status_code == 200
    assert post(SEQUENCING, sequencing_body(*people)).status_code == 200
    assert stored() == 2


# --- the event ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        (lambda b: b["event"].update(start=z(at(9))), "event.start", "errors.not_supported"),
        (lambda b: b["event"].update(end=z(at(10))), "event.end", "errors.not_supported"),
        (
            lambda b: b["event"].update(attendees={"invite": [{"email": "a@example.test"}]}),
            "event.attendees",
            "errors.not_supported",
        ),
        (lambda b: b["event"].pop("event_id"), "event.event_id", "errors.required"),
        (lambda b: b["event"].update(event_id="a\tb"), "event.event_id", "errors.invalid"),
        (lambda b: b["event"].pop("summary"), "event.summary", "errors.required"),
        (lambda b: b["event"].update(summary=5), "event.summary", "errors.invalid"),
        (lambda b: b["event"].update(tzid="Mars/Olympus"), "event.tzid", "errors.invalid"),
        (
            lambda b: b["event"].update(location={"lat": 91}),
            "event.location.lat",
            "errors.invalid",
        ),
        (lambda b: b.pop("event"), "event", "errors.required"),
        (lambda b: b.update(tzid="Europe/Nowhere"), "tzid", "errors.invalid"),
        (lambda b: b.update(event_creation="each"), "event_creation", "errors.invalid"),
        (lambda b: b.update(minimum_notice={"days": 1}), "minimum_notice", "errors.invalid"),
    ],
)
def test_event_and_request_fields_are_checked(post, people, change, field, key):
    response = post(SCHEDULING, changed(scheduling_body(people), change))
    assert {field: key} == {f: items[0]["key"] for f, items in errors_of(response).items()}
    assert stored() == 0


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        (
            lambda b: b["availability"]["sequence"][1]["event"].update(start=z(at(9))),
            "availability.sequence.1.event.start",
            "errors.not_supported",
        ),
        (
            lambda b: b["availability"]["sequence"][0]["event"].update(attendees={}),
            "availability.sequence.0.event.attendees",
            "errors.not_supported",
        ),
        (
            lambda b: b["availability"]["sequence"][0]["event"].update(summary=""),
            "availability.sequence.0.event.summary",
            "errors.required",
        ),
        (
            lambda b: b["availability"]["sequence"][0].update(event=["Step"]),
            "availability.sequence.0.event.base",  # as the core names a nested non-object
            "errors.invalid",
        ),
        (
            lambda b: b["availability"]["sequence"][1].update(sequence_id="screen"),
            "availability.sequence.1.sequence_id",
            "errors.duplicate",
        ),
    ],
)
def test_sequence_step_events_and_ids_are_checked(post, people, change, field, key):
    response = post(SEQUENCING, changed(sequencing_body(*people), change))
    assert {field: key} == {f: items[0]["key"] for f, items in errors_of(response).items()}
    assert stored() == 0


# --- availability: the very rules and limits of /v1/availability -------------------------------

AVAILABILITY_CASES = [
    lambda a: a.pop("participants"),
    lambda a: a.update(participants=[{"members": ["x"]}] * (limits.MAX_GROUPS + 1)),
    lambda a: a.update(
        participants=[{"members": [f"acc_{n}" for n in range(limits.MAX_MEMBERS + 1)]}]
    ),
    lambda a: a["participants"][0].update(required=3),
    lambda a: a["participants"][0]["members"].append({"sub": 5}),
    lambda a: a["participants"][0]["members"].append({"sub": "x", "calendar_ids": "cal"}),
    lambda a: a.update(required_duration={"minutes": 0}),
    lambda a: a.update(required_duration={"hours": 25}),
    lambda a: a.update(start_interval={"minutes": 7}),
    lambda a: a.update(buffer={"before": {"minutes": "5"}}),
    lambda a: a.update(max_results=limits.MAX_RESULTS + 1),
    lambda a: a.update(response_format="minutes"),
    lambda a: a.pop("available_periods"),
    lambda a: a.update(available_periods=[period(12, 9)]),
    lambda a: a.update(available_periods=[period(9, 10)] * (limits.MAX_QUERY_PERIODS + 1)),
    lambda a: a.update(available_periods=[period(9, 10), {"start": z(at(24 * 40)), "end": "x"}]),
    lambda a: a.update(available_periods=[period(9, 10), period(24 * 40, 24 * 40 + 1)]),
    lambda a: a.update(query_slots=[{"start": z(at(9))}]),
    lambda a: a.update(minimum_notice="soon"),
]


@pytest.mark.parametrize("change", AVAILABILITY_CASES)
def test_availability_errors_are_those_of_v1_availability_under_availability(post, people, change):
    body = changed(scheduling_body(people), lambda b: change(b["availability"]))

    alone = errors_of(post("/v1/availability", body["availability"]))
    response = post(SCHEDULING, body)

    assert errors_of(response) == {f"availability.{field}": e for field, e in alone.items()}
    assert stored() == 0


SEQUENCE_CASES = [
    lambda a: a.update(sequence=[]),
    lambda a: a.update(sequence=a["sequence"] * 6),
    lambda a: a["sequence"][1].update(ordinal=1),
    lambda a: a["sequence"][0].update(required_duration={"minutes": 0}),
    lambda a: a["sequence"][1].update(start_interval=7),
    lambda a: a["sequence"][1]["participants"][0].update(members=[]),
    lambda a: (
        a["sequence"][0].update(buffer={"after": {"minimum": {"minutes": 60}}}),
        a["sequence"][1].update(buffer={"before": {"maximum": {"minutes": 30}}}),
    ),
    lambda a: a.pop("available_periods"),
    lambda a: a.update(available_periods=[period(9, 10), period(24 * 40, 24 * 40 + 1)]),
]


@pytest.mark.parametrize("change", SEQUENCE_CASES)
def test_sequence_errors_are_those_of_v1_sequenced_availability_under_availability(
    post, people, change
):
    body = changed(sequencing_body(*people), lambda b: change(b["availability"]))

    alone = errors_of(post("/v1/sequenced_availability", body["availability"]))
    response = post(SEQUENCING, body)

    assert errors_of(response) == {f"availability.{field}": e for field, e in alone.items()}
    assert stored() == 0


def test_the_availability_is_parsed_by_the_cores_serializers():
    """One set of limits: the requests' availability fields are the core's serializers."""
    scheduling = RealTimeSchedulingSerializer().fields["availability"]
    sequencing = RealTimeSequencingSerializer().fields["availability"]
    assert type(scheduling) is AvailabilityRequestSerializer
    assert isinstance(sequencing, SequencedAvailabilityRequestSerializer)


# --- availability members: the application's accounts, their calendars -----------------------


def test_unknown_and_foreign_members_are_named_on_their_subs(post, people):
    foreign = make_account(make_application("Other").application)
    body = scheduling_body(people)
    body["availability"]["participants"] = [
        {"members": [people[0].sub, "acc_nobody"]},
        {"members": [{"sub": foreign.sub}]},
    ]

    errors = errors_of(post(SCHEDULING, body))

    assert {field: items[0]["key"] for field, items in errors.items()} == {
        "availability.participants.0.members.1.sub": "errors.unknown_sub",
        "availability.participants.1.members.0.sub": "errors.unknown_sub",
    }
    assert stored() == 0


def test_a_members_calendar_must_be_its_own(post, people):
    body = scheduling_body(people)
    other_calendar = primary_calendar(people[1]).calendar_id
    body["availability"]["participants"] = [
        {"members": [{"sub": people[0].sub, "calendar_ids": [other_calendar]}]}
    ]

    errors = errors_of(post(SCHEDULING, body))

    assert {field: items[0]["key"] for field, items in errors.items()} == {
        "availability.participants.0.members.0.calendar_ids": "errors.unknown_calendar"
    }
    assert stored() == 0


def test_an_unknown_step_member_is_named_on_its_step(post, people):
    body = sequencing_body(*people)
    body["availability"]["sequence"][1]["participants"][0]["members"] = ["acc_nobody"]

    errors = errors_of(post(SEQUENCING, body))

    assert list(errors) == ["availability.sequence.1.participants.0.members.0.sub"]
    assert stored() == 0
