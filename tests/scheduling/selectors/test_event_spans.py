"""event_spans reads rows past Django's converters: it must agree with the ORM exactly."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduling.models import Event
from scheduling.selectors.availability_queries import event_spans
from tests.api_helpers import DAY, at
from tests.factories import make_account, make_event, primary_calendar

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def test_event_spans_match_the_orm_as_aware_utc_datetimes_ordered_by_start(app_creds):
    first = primary_calendar(make_account(app_creds.application, name="A"))
    second = primary_calendar(make_account(app_creds.application, name="B"))
    berlin = ZoneInfo("Europe/Berlin")
    make_event(first, at(9), at(10))
    # Given in another zone, with fractions of a second: stored and read back as UTC instants.
    make_event(
        second,
        at(8.5, day=DAY.replace(tzinfo=berlin)) + dt.timedelta(seconds=15.25),
        at(9.75, day=DAY.replace(tzinfo=berlin)) + dt.timedelta(microseconds=1),
    )
    make_event(first, at(-1), at(1))

    spans = event_spans(Event.objects.all())

    orm = list(Event.objects.order_by("start").values_list("calendar_id", "start", "end"))
    assert spans == orm
    assert [start for _, start, _ in spans] == sorted(start for _, start, _ in spans)
    for _, start, end in spans:
        assert start.utcoffset() == end.utcoffset() == dt.timedelta(0)
    assert spans[1][1] == at(7.5) + dt.timedelta(seconds=15.25)
    assert spans[1][2] == at(8.75) + dt.timedelta(microseconds=1)


def test_event_spans_keep_the_querysets_filters(app_creds):
    calendar = primary_calendar(make_account(app_creds.application, name="A"))
    kept = make_event(calendar, at(9), at(10))
    make_event(calendar, at(11), at(12), deleted=True)
    assert event_spans(Event.objects.filter(deleted=False)) == [(calendar.pk, kept.start, kept.end)]
