"""POST /v2/availability: modes, constraints, windows, projects, time zones and errors."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import bookings.availability
from bookings.models import Project, ProjectResource, ResourceSettings
from scheduling.models import Event
from scheduling.services.accounts import resource_create
from tests.bookings.classes import make_class
from tests.bookings.v2.conftest import V2Client
from tests.factories import make_application, make_event, primary_calendar

pytestmark = pytest.mark.django_db

UTC = dt.UTC
MONDAY = dt.datetime(2025, 3, 3, tzinfo=UTC)  # the Monday after FROZEN_NOW (Thursday 27 Feb)
HOUR = dt.timedelta(hours=1)


def at(hour: float, day: dt.datetime = MONDAY) -> dt.datetime:
    return day + dt.timedelta(hours=hour)


def res(app_creds, name="Doc", tzid="Etc/UTC", constraints=None):
    account = resource_create(application=app_creds.application, name=name, default_tzid=tzid)
    if constraints is not None:
        ResourceSettings.objects.create(account=account, availability_constraints=constraints)
    return account


def busy(account, start, end, **fields):
    return make_event(primary_calendar(account), start, end, **fields)


NINE, NOON = at(9), at(12)


def ask(v2, resources, *, start=NINE, end=NOON, **body):
    """POST /v2/availability for the resources from `start` to `end` (None: left out);
    HTTP_* keywords are headers."""
    headers = {k: body.pop(k) for k in list(body) if k.startswith("HTTP_")}
    window = {"from": start and start.isoformat(), "to": end and end.isoformat()}
    body = {"resources": [r.sub for r in resources]} | {k: v for k, v in window.items() if v} | body
    return v2.v2("POST", "/v2/availability", body, **headers)


def slots(response) -> list[tuple[str, list[str]]]:
    """(start as sent, resource names) of every slot."""
    assert response.status_code == 200, response.json()
    return [(s["start"], [r["name"] for r in s["resources"]]) for s in response.json()["data"]]


def starts(response) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(start) for start, _ in slots(response)]


def test_a_free_resource_has_back_to_back_slots_of_the_length(v2, app_creds):
    doc = res(app_creds, tzid="Europe/Paris")
    response = ask(v2, [doc])
    assert response.json() == {
        "data": [
            {
                "start": at(h).isoformat(),
                "end": at(h + 1).isoformat(),
                "resources": [{"id": doc.sub, "name": "Doc", "timezone": "Europe/Paris"}],
            }
            for h in (9, 10, 11)
        ]
    }


def test_the_length_and_its_step(v2, app_creds):
    doc = res(app_creds)
    assert starts(ask(v2, [doc], end=at(10), length="30 minutes")) == [at(9), at(9.5)]
    assert starts(ask(v2, [doc], end=at(11), length="45 minutes")) == [at(9), at(9.75)]


def test_busy_events_block_and_the_buffer_keeps_time_around_them(v2, app_creds):
    doc = res(app_creds)
    busy(doc, at(10), at(10.5))
    assert starts(ask(v2, [doc], end=at(13))) == [at(9), at(11), at(12)]
    assert starts(ask(v2, [doc], end=at(13), buffer="30 minutes")) == [at(11), at(12)]


def test_free_cancelled_and_deleted_events_do_not_block(v2, app_creds):
    doc = res(app_creds)
    busy(doc, at(9), at(10), transparency=Event.Transparency.TRANSPARENT)
    busy(doc, at(10), at(11), status=Event.Status.CANCELLED)
    busy(doc, at(11), at(12), deleted=True)
    assert starts(ask(v2, [doc])) == [at(9), at(10), at(11)]


def test_a_class_in_the_resources_calendar_blocks_its_time(v2, app_creds):
    doc = res(app_creds)
    klass = make_class(app_creds, doc)
    found = starts(ask(v2, [doc], start=klass.start - HOUR, end=klass.end + HOUR))
    assert found == [klass.start - HOUR, klass.end]


def test_all_day_events_block_unless_ignored(v2, app_creds):
    doc = res(app_creds)
    busy(doc, MONDAY, MONDAY + dt.timedelta(days=1), all_day=True)
    assert starts(ask(v2, [doc])) == []
    assert starts(ask(v2, [doc], ignore_all_day_events=True)) == [at(9), at(10), at(11)]


@pytest.fixture
def pair(app_creds):
    """Ann busy 9-10, Bob busy 10-11."""
    ann, bob = res(app_creds, "Ann"), res(app_creds, "Bob")
    busy(ann, at(9), at(10))
    busy(bob, at(10), at(11))
    return ann, bob


def test_mutual_needs_every_resource_free(v2, pair):
    assert slots(ask(v2, pair, mode="mutual")) == [(at(11).isoformat(), ["Ann", "Bob"])]


def test_exclusive_lists_every_free_resource(v2, pair):
    found = slots(ask(v2, pair, mode="exclusive"))
    assert [names for _, names in found] == [["Bob"], ["Ann"], ["Ann", "Bob"]]


def test_roundrobin_prioritized_prefers_the_first_free_in_order(v2, pair):
    ann, bob = pair
    in_order = slots(ask(v2, [ann, bob], mode="roundrobin_prioritized"))
    assert [names for _, names in in_order] == [["Bob"], ["Ann"], ["Ann"]]
    reversed_ = slots(ask(v2, [bob, ann], mode="roundrobin_prioritized"))
    assert [names for _, names in reversed_] == [["Bob"], ["Ann"], ["Bob"]]


class Reverse:
    """A stand-in for random.Random whose shuffle reverses the list."""

    def shuffle(self, items):
        items.reverse()


def test_roundrobin_random_shuffles_once_and_the_first_keeps_precedence(v2, pair, monkeypatch):
    ann, bob = pair
    monkeypatch.setattr(bookings.availability, "_RANDOM", Reverse())
    found = slots(ask(v2, [ann, bob], mode="roundrobin_random", end=at(13)))
    assert [names for _, names in found] == [["Bob"], ["Ann"], ["Bob"], ["Bob"]]


def test_roundrobin_random_is_the_default_mode_and_offers_one_resource(v2, pair):
    found = slots(ask(v2, pair, end=at(14)))
    assert [len(names) for _, names in found] == [1] * 5
    assert len({tuple(names) for _, names in found[2:]}) == 1


FRIDAY = dt.datetime(2025, 2, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    ("constraint", "count", "first"),
    [
        ({"allow_day_and_time": {"day": "Saturday", "start": 9, "end": 11}}, 2, at(24 + 9, FRIDAY)),
        ({"block_day_and_time": {"day": "friday", "start": 0, "end": 23}}, 49, at(23, FRIDAY)),
        ({"allow_hours": {"start": 9, "end": 11}}, 6, at(9, FRIDAY)),
        ({"block_hours": {"start": 1, "end": 24}}, 3, at(0, FRIDAY)),
        ({"allow_day": {"day": "Sunday"}}, 24, at(48, FRIDAY)),
        ({"block_day": {"day": "Friday"}}, 48, at(24, FRIDAY)),
        ({"allow_period": {"start": "2025-03-01", "end": "2025-03-02"}}, 24, at(24, FRIDAY)),
        (
            {"block_period": {"start": "2025-02-28T00:00:00Z", "end": "2025-03-02T12:00:00Z"}},
            12,
            at(60, FRIDAY),
        ),
        ({"allow_weekdays": {}}, 24, at(0, FRIDAY)),
        ({"block_weekends": {}}, 24, at(0, FRIDAY)),
    ],
)
def test_each_constraint_kind(v2, app_creds, constraint, count, first):
    doc = res(app_creds)
    found = starts(ask(v2, [doc], start=FRIDAY, end=at(72, FRIDAY), constraints=[constraint]))
    assert (len(found), found[0]) == (count, first)


def test_resource_project_and_request_constraints_must_all_allow(v2, app_creds):
    doc = res(app_creds, constraints=[{"allow_hours": {"start": 9, "end": 17}}])
    project = make_project(
        app_creds, [doc], availability_constraints=[{"block_hours": {"start": 16, "end": 17}}]
    )
    body = {
        "project_id": str(project.project_id),
        "constraints": [{"allow_hours": {"start": 14, "end": 20}}],
    }
    found = starts(ask(v2, [doc], start=at(0), end=at(24), **body))
    assert found == [at(14), at(15)]


def test_a_resources_constraints_are_in_its_own_zone(v2, app_creds):
    paris = res(app_creds, "Paris", "Europe/Paris", [{"allow_hours": {"start": 9, "end": 11}}])
    york = res(app_creds, "York", "America/New_York", [{"allow_hours": {"start": 9, "end": 11}}])
    found = slots(ask(v2, [paris, york], mode="exclusive", start=at(0), end=at(24)))
    assert found == [
        (at(8).isoformat(), ["Paris"]),
        (at(9).isoformat(), ["Paris"]),
        (at(14).isoformat(), ["York"]),
        (at(15).isoformat(), ["York"]),
    ]


@pytest.mark.parametrize(
    ("tzid", "before", "after"),
    [
        # Europe/Paris springs forward on Sunday 30 March 2025, America/New_York on 9 March.
        (
            "Europe/Paris",
            dt.datetime(2025, 3, 28, 8, tzinfo=UTC),
            dt.datetime(2025, 3, 31, 7, tzinfo=UTC),
        ),
        (
            "America/New_York",
            dt.datetime(2025, 3, 7, 14, tzinfo=UTC),
            dt.datetime(2025, 3, 10, 13, tzinfo=UTC),
        ),
    ],
)
def test_working_hours_stay_local_across_the_spring_change(v2, app_creds, tzid, before, after):
    doc = res(
        app_creds,
        tzid=tzid,
        constraints=[{"allow_weekdays": {}}, {"allow_hours": {"start": 9, "end": 10}}],
    )
    found = starts(
        ask(v2, [doc], start=before - dt.timedelta(hours=6), end=after + dt.timedelta(hours=6))
    )
    assert found == [before, after]


@pytest.mark.parametrize(
    ("tzid", "before", "after"),
    [
        (
            "Europe/Paris",
            dt.datetime(2025, 10, 24, 7, tzinfo=UTC),
            dt.datetime(2025, 10, 27, 8, tzinfo=UTC),
        ),
        (
            "America/New_York",
            dt.datetime(2025, 10, 31, 13, tzinfo=UTC),
            dt.datetime(2025, 11, 3, 14, tzinfo=UTC),
        ),
    ],
)
def test_working_hours_stay_local_across_the_autumn_change(
    v2, app_creds, clock, tzid, before, after
):
    clock.move_to(before - dt.timedelta(days=1))
    doc = res(
        app_creds,
        tzid=tzid,
        constraints=[{"allow_weekdays": {}}, {"allow_hours": {"start": 9, "end": 10}}],
    )
    found = starts(
        ask(v2, [doc], start=before - dt.timedelta(hours=6), end=after + dt.timedelta(hours=6))
    )
    assert found == [before, after]


def test_times_are_in_the_output_time_zone_else_the_header_else_utc(v2, app_creds):
    doc = res(app_creds)
    first = slots(ask(v2, [doc], output_timezone="America/New_York"))[0][0]
    assert first == "2025-03-03T04:00:00-05:00"
    header = ask(v2, [doc], HTTP_TIMEKIT_TIMEZONE="Asia/Kolkata")
    assert slots(header)[0][0] == "2025-03-03T14:30:00+05:30"
    both = ask(v2, [doc], output_timezone="Europe/Paris", HTTP_TIMEKIT_TIMEZONE="Asia/Kolkata")
    assert slots(both)[0][0] == "2025-03-03T10:00:00+01:00"
    assert slots(ask(v2, [doc]))[0][0] == "2025-03-03T09:00:00+00:00"


def test_from_and_to_may_be_relative_to_now(v2, app_creds):
    doc = res(app_creds)
    found = starts(ask(v2, [doc], start=None, end=None, **{"from": "1 day", "to": "+2 days"}))
    # now is FROZEN_NOW (Thursday 12:00) and a few ticks: the first whole hour after a day
    assert (found[0], found[-1], len(found)) == (
        dt.datetime(2025, 2, 28, 13, tzinfo=UTC),
        dt.datetime(2025, 3, 1, 11, tzinfo=UTC),
        23,
    )


def test_from_defaults_to_now_and_to_to_four_weeks_later(v2, app_creds):
    doc = res(app_creds)
    response = v2.v2("POST", "/v2/availability", {"resources": [doc.sub], "length": "1 day"})
    found = starts(response)
    # day-long slots start on the hour too (the step is an hour at most)
    assert (found[0], len(found)) == (dt.datetime(2025, 2, 27, 13, tzinfo=UTC), 27)
    now = starts(
        v2.v2("POST", "/v2/availability", {"resources": [doc.sub], "from": "now", "to": "3 hours"})
    )
    assert now == [
        dt.datetime(2025, 2, 27, 13, tzinfo=UTC),
        dt.datetime(2025, 2, 27, 14, tzinfo=UTC),
    ]


def test_times_without_an_offset_are_read_in_the_output_time_zone(v2, app_creds):
    doc = res(app_creds)
    body = {"from": "2025-03-03T09:00", "to": "2025-03-03T11:00", "output_timezone": "Europe/Paris"}
    assert starts(ask(v2, [doc], start=None, end=None, **body)) == [at(8), at(9)]


def test_slots_never_start_in_the_past(v2, app_creds):
    doc = res(app_creds)
    found = starts(ask(v2, [doc], start=at(0, FRIDAY) - dt.timedelta(days=2), end=at(0, FRIDAY)))
    assert found[0] == dt.datetime(2025, 2, 27, 13, tzinfo=UTC)


def test_a_six_month_window_is_answered_whole(v2, app_creds):
    doc = res(app_creds)
    response = ask(v2, [doc], start=MONDAY, end=MONDAY + dt.timedelta(days=183), length="1 day")
    found = starts(response)
    assert (found[0], found[-1], len(found)) == (MONDAY, MONDAY + dt.timedelta(days=182), 183)


def test_slots_across_a_chunk_boundary_are_kept(v2, app_creds):
    doc = res(app_creds)
    found = starts(
        ask(v2, [doc], start=MONDAY, end=MONDAY + dt.timedelta(days=60), length="5 hours")
    )
    assert len(found) == 60 * 24 // 5
    assert all(b - a == dt.timedelta(hours=5) for a, b in itertools.pairwise(found))


def make_project(app_creds, resources, **fields) -> Project:
    project = Project.objects.create(
        application=app_creds.application,
        name="Consult",
        slug=f"consult-{Project.objects.count()}",
        **fields,
    )
    for position, account in enumerate(resources):
        ProjectResource.objects.create(project=project, account=account, position=position)
    return project


def test_a_project_gives_its_resources_and_settings(v2, app_creds, pair):
    settings = {
        "mode": "roundrobin_prioritized",
        "length": "30 minutes",
        "from": at(9).isoformat(),
        "to": at(10).isoformat(),
    }
    project = make_project(app_creds, list(reversed(pair)), availability=settings)
    response = v2.v2("POST", "/v2/availability", {"project_id": str(project.project_id)})
    assert slots(response) == [(at(9).isoformat(), ["Bob"]), (at(9.5).isoformat(), ["Bob"])]


def test_the_requests_fields_override_the_projects(v2, app_creds, pair):
    ann, bob = pair
    settings = {
        "mode": "roundrobin_prioritized",
        "length": "30 minutes",
        "from": at(9).isoformat(),
        "to": at(10).isoformat(),
    }
    project = make_project(app_creds, [bob, ann], availability=settings)
    body = {
        "project_id": str(project.project_id),
        "length": "1 hour",
        "resources": [ann.sub],
        "to": at(12).isoformat(),
    }
    response = v2.v2("POST", "/v2/availability", body)
    assert slots(response) == [(at(10).isoformat(), ["Ann"]), (at(11).isoformat(), ["Ann"])]


def test_another_applications_project_is_a_422_on_project_id(v2, app_creds):
    other = make_application("Other")
    project = Project.objects.create(application=other.application, name="Theirs", slug="theirs")
    response = v2.v2("POST", "/v2/availability", {"project_id": str(project.project_id)})
    assert response.status_code == 422
    assert "project_id" in response.json()["errors"]
    assert response.json()["errors"]["project_id"] == ["Project not found."]


def test_another_applications_resource_is_a_422_naming_its_index(v2, app_creds):
    mine = res(app_creds)
    other = make_application("Other")
    theirs = resource_create(application=other.application, name="Theirs")
    body = {"resources": [mine.sub, theirs.sub, "res_missing"]}
    response = v2.v2("POST", "/v2/availability", body)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"resources.1", "resources.2"}
    assert (
        V2Client(other.client_secret)
        .v2("POST", "/v2/availability", {"resources": [theirs.sub]})
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"resources": []}, "resources"),
        ({"resources": None}, "resources"),
        ({"mode": "everyone"}, "mode"),
        ({"length": "forever"}, "length"),
        ({"length": "2 days"}, "length"),
        ({"length": "90 seconds"}, "length"),
        ({"buffer": "-5 minutes"}, "buffer"),
        ({"from": "yesterday-ish"}, "from"),
        ({"to": at(8).isoformat()}, "to"),
        ({"to": (at(9) + dt.timedelta(days=184)).isoformat()}, "to"),
        ({"output_timezone": "Mars/Olympus"}, "output_timezone"),
        (
            {"constraints": [{"allow_hours": {"start": "9", "end": 17}}]},
            "constraints.0.allow_hours.start",
        ),
        (
            {"constraints": [{"allow_weekdays": {}}, {"block_day": {"day": "Caturday"}}]},
            "constraints.1.block_day.day",
        ),
        ({"constraints": [{"allow_moon": {}}]}, "constraints.0"),
        ({"ignore_all_day_events": "yes"}, "ignore_all_day_events"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(v2, app_creds, changes, field):
    doc = res(app_creds)
    body = {"resources": [doc.sub], "from": at(9).isoformat(), "to": at(12).isoformat()}
    body = {k: v for k, v in (body | changes).items() if v is not None}
    response = v2.v2("POST", "/v2/availability", body)
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]


def test_a_bad_timekit_timezone_header_is_a_422(v2, app_creds):
    doc = res(app_creds)
    response = ask(v2, [doc], HTTP_TIMEKIT_TIMEZONE="Nowhere/Land")
    assert response.status_code == 422
    assert "Timekit-Timezone" in response.json()["errors"]


def test_without_a_key_it_is_a_401(anon_v2):
    assert anon_v2.v2("POST", "/v2/availability", {"resources": []}).status_code == 401


def test_the_trailing_slash_is_answered_not_redirected(v2, app_creds):
    doc = res(app_creds)
    response = v2.v2("POST", "/v2/availability/", {"resources": [doc.sub]})
    assert response.status_code == 200


def _count(v2, resources, project=None) -> int:
    body = {
        "resources": [r.sub for r in resources],
        "mode": "exclusive",
        "from": at(0).isoformat(),
        "to": at(48).isoformat(),
    }
    if project is not None:
        body["project_id"] = str(project.project_id)
    with CaptureQueriesContext(connection) as queries:
        assert v2.v2("POST", "/v2/availability", body).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_resources(v2, app_creds):
    few = [res(app_creds, constraints=[{"allow_hours": {"start": 8, "end": 18}}])]
    many = few + [
        res(app_creds, f"R{i}", constraints=[{"block_hours": {"start": 12, "end": 13}}])
        for i in range(6)
    ]
    for account in many:
        busy(account, at(10), at(11))
    assert 5 <= _count(v2, few) == _count(v2, many)
    assert _count(v2, few, make_project(app_creds, few)) == _count(
        v2, many, make_project(app_creds, many)
    )


def test_a_projects_bad_stored_setting_is_a_422_naming_it(v2, app_creds):
    project = make_project(app_creds, [res(app_creds)], availability={"length": "forever"})
    response = v2.v2("POST", "/v2/availability", {"project_id": str(project.project_id)})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["project.availability.length"]
