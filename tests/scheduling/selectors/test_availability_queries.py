"""The availability selectors take the engine's query with member requests, load, and run it.

Booking pages build the same query without the API, so the selector names a rejected member by
its request object, never by a JSON path.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling import engine
from scheduling.errors import MembersRejected
from scheduling.models import Calendar
from scheduling.selectors.availability_queries import (
    availability_find,
    load_members,
    sequenced_availability_find,
)
from scheduling.services.availability_calendars import availability_calendar_set
from scheduling.services.calendars import calendar_create
from tests.api_helpers import at
from tests.factories import make_account, make_event, primary_calendar

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
NOW = at(0)


def query(*members: engine.MemberRequest) -> engine.AvailabilityQuery[engine.MemberRequest]:
    return engine.AvailabilityQuery(
        groups=(engine.Group(members),),
        query_periods=(engine.Interval(at(9), at(12)),),
        required_duration=HOUR,
    )


def test_availability_find_loads_member_requests_and_runs_the_query(app_creds):
    room = make_account(app_creds.application)
    make_event(primary_calendar(room), at(10), at(11))
    found = availability_find(
        application=app_creds.application, query=query(engine.MemberRequest(room.sub)), now=NOW
    )
    assert [(a.start, a.end, a.participants) for a in found] == [
        (at(9), at(10), (room.sub,)),
        (at(11), at(12), (room.sub,)),
    ]


def test_availability_find_uses_the_now_it_is_given(app_creds):
    room = make_account(app_creds.application)
    found = availability_find(
        application=app_creds.application,
        query=query(engine.MemberRequest(room.sub)),
        now=at(
            10,
        ),
    )
    assert [(a.start, a.end) for a in found] == [(at(10), at(12))]


def test_an_unknown_sub_is_rejected_by_its_member_request(app_creds):
    room = make_account(app_creds.application)
    known, unknown = engine.MemberRequest(room.sub), engine.MemberRequest("apc_nobody")
    with pytest.raises(MembersRejected) as caught:
        availability_find(application=app_creds.application, query=query(known, unknown), now=NOW)
    [problem] = caught.value.problems
    assert problem.member is unknown
    assert (problem.attribute, problem.code) == ("sub", "unknown_sub")


def test_an_unknown_calendar_is_rejected_by_its_member_request(app_creds):
    room = make_account(app_creds.application)
    member = engine.MemberRequest(room.sub, calendar_ids=("cal_nope",))
    with pytest.raises(MembersRejected) as caught:
        availability_find(application=app_creds.application, query=query(member), now=NOW)
    [problem] = caught.value.problems
    assert problem.member is member
    assert (problem.attribute, problem.code) == ("calendar_ids", "unknown_calendar")


def test_sequenced_availability_find_runs_steps_of_member_requests(app_creds):
    room = make_account(app_creds.application)
    make_event(primary_calendar(room), at(9), at(10))
    steps = tuple(
        engine.Step(
            sequence_id=name,
            ordinal=ordinal,
            groups=(engine.Group((engine.MemberRequest(room.sub),)),),
            required_duration=HOUR,
        )
        for ordinal, name in enumerate(["first", "second"])
    )
    sequence_query = engine.SequenceQuery(
        steps=steps, query_periods=(engine.Interval(at(9), at(12)),), max_results=1
    )
    [sequence] = sequenced_availability_find(
        application=app_creds.application, query=sequence_query, now=NOW
    )
    assert [(item.sequence_id, item.start) for item in sequence] == [
        ("first", at(10)),
        ("second", at(11)),
    ]


def test_calendars_left_out_of_busy_time_cost_no_query(app_creds):
    """The availability calendar is a column of the account rows already loaded, and
    counts_as_busy comes with the calendars: members with either load in as many queries."""

    def rooms(count: int) -> list[engine.MemberRequest]:
        members = []
        for _ in range(count):
            room = make_account(app_creds.application)
            primary = primary_calendar(room)
            side = calendar_create(account=room, profile_id=primary.profile.profile_id, name="S")
            quiet = calendar_create(account=room, profile_id=primary.profile.profile_id, name="Q")
            Calendar.objects.filter(pk=quiet.pk).update(counts_as_busy=False)
            availability_calendar_set(account=room, calendar_id=side.calendar_id)
            for calendar in (primary, side, quiet):
                make_event(calendar, at(10), at(11))
            members.append(engine.MemberRequest(room.sub, managed_availability=True))
        return members

    def queries(members) -> int:
        with CaptureQueriesContext(connection) as captured:
            load_members(
                application=app_creds.application,
                requests=members,
                window=engine.Interval(at(9), at(12)),
            )
        return len(captured)

    assert queries(rooms(1)) == queries(rooms(6))
