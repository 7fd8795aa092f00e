"""Availability calendars (seed 000 built in): an account's available periods follow the events of
its availability calendar, whoever changes them, and those events are not busy time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling import engine, tasks
from scheduling.errors import ValidationFailed
from scheduling.models import Account, AvailablePeriod, Calendar
from scheduling.selectors.availability_queries import availability_find
from scheduling.services.availability_calendars import (
    Reconciled,
    availability_calendar_reconcile,
    availability_calendar_set,
)
from scheduling.services.calendars import calendar_create
from scheduling.services.events import calendar_event_delete, calendar_event_write, event_upsert
from scheduling.signals import ChangeOrigin
from scheduling.timeformat import TimeValue
from tests.api_helpers import at
from tests.factories import make_account, make_available_period, make_event, primary_calendar

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def account(app_creds):
    return make_account(app_creds.application, name="Dr Lee")


@pytest.fixture
def side(account):
    """A second calendar of the account: its availability calendar in most tests."""
    primary = primary_calendar(account)
    return calendar_create(account=account, profile_id=primary.profile.profile_id, name="Open")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a commit runs (the signal, then the task it queues; q2 runs in sync mode)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def upsert(account, calendar, event_id, start, end, **fields):
    return event_upsert(
        account=account,
        application=account.application,
        calendar_id=calendar.calendar_id,
        event_id=event_id,
        summary="Open",
        start=TimeValue(start, fields.pop("tzid", None)),
        end=TimeValue(end),
        **fields,
    )


def periods(account) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    rows = AvailablePeriod.objects.filter(account=account)
    return {p.available_period_id: (p.start, p.end) for p in rows}


# --- kept in step through events_changed -------------------------------------------------------


@pytest.mark.django_db
def test_events_of_the_availability_calendar_become_periods_and_follow_changes(
    account, side, committed
):
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    with committed():
        event = upsert(account, side, "mon", at(9), at(12))
    assert periods(account) == {event.event_uid: (at(9), at(12))}

    with committed():
        upsert(account, side, "mon", at(10), at(13))
    assert periods(account) == {event.event_uid: (at(10), at(13))}

    with committed():
        upsert(account, side, "mon", at(10), at(13), status="cancelled")
    assert periods(account) == {}


@pytest.mark.django_db
def test_a_deleted_event_takes_its_period_along(account, side, committed):
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    origin = ChangeOrigin.sync(connection_id="con_1")
    with committed():  # a sync write: any origin feeds the availability calendar
        event = calendar_event_write(
            calendar=side,
            origin=origin,
            external_id="g1",
            summary="Open",
            start=TimeValue(at(9)),
            end=TimeValue(at(10)),
        )
    assert list(periods(account)) == [event.event_uid]
    with committed():
        calendar_event_delete(calendar=side, origin=origin, external_id="g1")
    assert periods(account) == {}


@pytest.mark.django_db
def test_events_of_other_calendars_make_no_periods(account, side, committed):
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    with committed():
        upsert(account, primary_calendar(account), "meeting", at(9), at(10))
    assert periods(account) == {}


@pytest.mark.django_db
def test_an_account_without_availability_calendar_gets_no_periods(account, side, committed):
    with committed():
        upsert(account, side, "mon", at(9), at(12))
    assert periods(account) == {}
    assert availability_calendar_reconcile(account_id=account.pk) == Reconciled()


@pytest.mark.django_db
def test_periods_the_integrator_made_stay(account, side, committed):
    make_available_period(account, at(15), at(16), "mine")
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    with committed():
        event = upsert(account, side, "mon", at(9), at(12))
    with committed():
        upsert(account, side, "mon", at(9), at(12), status="cancelled")
    availability_calendar_set(account=account, calendar_id=None)
    assert periods(account) == {"mine": (at(15), at(16))}
    assert event.event_uid not in periods(account)


# --- setting, switching and clearing ----------------------------------------------------------


@pytest.mark.django_db
def test_setting_the_calendar_reconciles_its_existing_events_at_once(account, side):
    live = make_event(side, at(9), at(12))
    make_event(side, at(13), at(14), deleted=True)
    make_event(side, at(15), at(16), status="cancelled")

    assert availability_calendar_set(account=account, calendar_id=side.calendar_id) == side
    account.refresh_from_db()
    assert account.availability_calendar == side
    assert periods(account) == {live.event_uid: (at(9), at(12))}


@pytest.mark.django_db
def test_switching_calendars_replaces_the_old_calendars_periods(account, side):
    primary = primary_calendar(account)
    old = make_event(primary, at(9), at(10))
    new = make_event(side, at(11), at(12))
    make_available_period(account, at(15), at(16), "mine")

    availability_calendar_set(account=account, calendar_id=primary.calendar_id)
    assert set(periods(account)) == {old.event_uid, "mine"}
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    assert set(periods(account)) == {new.event_uid, "mine"}
    availability_calendar_set(account=account, calendar_id=None)
    assert set(periods(account)) == {"mine"}
    assert Account.objects.get(pk=account.pk).availability_calendar is None


@pytest.mark.django_db
@pytest.mark.parametrize("whose", ["unknown", "other account", "deleted"])
def test_only_a_live_calendar_of_the_account_can_be_set(account, side, app_creds, whose):
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    other = make_account(app_creds.application)
    target = {
        "unknown": "cal_nope",
        "other account": primary_calendar(other).calendar_id,
        "deleted": primary_calendar(account).calendar_id,
    }[whose]
    if whose == "deleted":
        Calendar.objects.filter(calendar_id=target).update(deleted=True)

    with pytest.raises(ValidationFailed) as refused:
        availability_calendar_set(account=account, calendar_id=target)
    assert [code for code, _ in refused.value.errors["calendar_id"]] == ["not_found"]
    assert Account.objects.get(pk=account.pk).availability_calendar_id == side.pk


@pytest.mark.django_db
def test_a_deleted_availability_calendar_leaves_no_periods(account, side):
    make_event(side, at(9), at(12))
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    side.deleted = True
    side.save()
    assert availability_calendar_reconcile(account_id=account.pk).deleted == 1
    assert periods(account) == {}


# --- spans: all-day events and DST ------------------------------------------------------------


@pytest.mark.django_db
def test_an_all_day_event_is_its_stored_local_midnight_span(account, side, committed):
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    sunday = dt.date(2025, 10, 26)  # Berlin leaves summer time: the day has 25 hours
    with committed():
        event = upsert(account, side, "day", sunday, sunday + DAY, tzid="Europe/Berlin")
    start = dt.datetime(2025, 10, 25, 22, tzinfo=dt.UTC)
    assert (event.start, event.end) == (start, start + 25 * HOUR)
    assert periods(account) == {event.event_uid: (event.start, event.end)}


def berlin(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2025, 10, day, hour, tzinfo=BERLIN)


def utc(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2025, 10, day, hour, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_office_hours_across_the_october_change_are_their_utc_spans(account, side, committed):
    """Berlin leaves summer time on Sunday 26 October 2025: 09:00 is 07:00Z on the Saturday
    (UTC+2) and 08:00Z on the Sunday (UTC+1)."""
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    with committed():
        sat = upsert(account, side, "sat", berlin(25, 9), berlin(25, 17), tzid="Europe/Berlin")
        sun = upsert(account, side, "sun", berlin(26, 9), berlin(26, 17), tzid="Europe/Berlin")
    assert periods(account) == {
        sat.event_uid: (utc(25, 7), utc(25, 15)),
        sun.event_uid: (utc(26, 8), utc(26, 16)),
    }


# --- the reconcile itself ---------------------------------------------------------------------


@pytest.mark.django_db
def test_reconcile_is_idempotent_and_leaves_unchanged_periods_untouched(account, side):
    event = make_event(side, at(9), at(12))
    availability_calendar_set(account=account, calendar_id=side.calendar_id, now=at(-48))
    stamped = AvailablePeriod.objects.get(available_period_id=event.event_uid).updated_at

    assert availability_calendar_reconcile(account_id=account.pk, now=at(-24)) == Reconciled()
    assert AvailablePeriod.objects.get(available_period_id=event.event_uid).updated_at == stamped


@pytest.mark.django_db
def test_reconcile_takes_constant_queries(account, side):
    availability_calendar_set(account=account, calendar_id=side.calendar_id)

    def rounds(count):
        events = [make_event(side, at(n), at(n) + HOUR) for n in range(count)]
        counts = []
        with CaptureQueriesContext(connection) as created:
            assert availability_calendar_reconcile(account_id=account.pk).created == count
        counts.append(len(created))
        for event in events[: count // 2]:
            event.end += HOUR
            event.save()
        for event in events[count // 2 :]:
            event.deleted = True
            event.save()
        with CaptureQueriesContext(connection) as changed:
            result = availability_calendar_reconcile(account_id=account.pk)
        assert (result.updated, result.deleted) == (count // 2, count - count // 2)
        counts.append(len(changed))
        return counts

    assert rounds(2) == rounds(40)


@pytest.mark.django_db
def test_the_reconcile_task_reports_what_changed(account, side):
    make_event(side, at(9), at(10))
    Account.objects.filter(pk=account.pk).update(availability_calendar=side)
    assert tasks.availability_calendar_reconcile(account.pk) == {
        "created": 1,
        "updated": 0,
        "deleted": 0,
    }


# --- availability -----------------------------------------------------------------------------


def _query(member: engine.MemberRequest, start=8, end=17):
    return engine.AvailabilityQuery(
        groups=(engine.Group((member,)),),
        query_periods=(engine.Interval(at(start), at(end)),),
        required_duration=HOUR,
    )


def _found(app_creds, member):
    found = availability_find(application=app_creds.application, query=_query(member), now=at(0))
    return [(a.start, a.end) for a in found]


@pytest.mark.django_db
def test_managed_availability_is_the_availability_calendars_events(account, side, app_creds):
    make_event(side, at(9), at(12))  # Monday 9 to 12
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    member = engine.MemberRequest(account.sub, managed_availability=True)
    assert _found(app_creds, member) == [(at(9), at(12))]


@pytest.mark.django_db
def test_the_availability_calendars_events_are_not_busy_by_default(account, side, app_creds):
    make_event(side, at(9), at(12))
    assert _found(app_creds, engine.MemberRequest(account.sub)) == [
        (at(8), at(9)),
        (at(12), at(17)),
    ]
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    assert _found(app_creds, engine.MemberRequest(account.sub)) == [(at(8), at(17))]
    named = engine.MemberRequest(account.sub, calendar_ids=(side.calendar_id,))
    assert _found(app_creds, named) == [(at(8), at(9)), (at(12), at(17))]


@pytest.mark.django_db
def test_calendars_that_do_not_count_as_busy_block_only_when_named(account, side, app_creds):
    make_event(side, at(9), at(12))
    side.counts_as_busy = False
    side.save()
    assert _found(app_creds, engine.MemberRequest(account.sub)) == [(at(8), at(17))]
    named = engine.MemberRequest(account.sub, calendar_ids=(side.calendar_id,))
    assert _found(app_creds, named) == [(at(8), at(9)), (at(12), at(17))]
