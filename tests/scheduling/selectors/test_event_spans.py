"""event_spans reads rows past Django's converters: it must agree with the ORM exactly."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduling.models import Event
from scheduling.selectors.availability_queries import event_spans
from tests.factories import make_account, make_event, primary_calendar

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def test_event_spans_match_the_orm_as_aware_utc_datetimes_ordered_by_start(app_creds):
    first = primary_calendar(make_account(app_creds.application, name="A"))
    second = primary_calendar(make_account(app_creds.application, name="B"))
    berlin = ZoneInfo("Europe/Berlin")
    make_event(
        first, dt.datetime(2031, 3, 3, 9, tzinfo=UTC), dt.datetime(2031, 3, 3, 10, tzinfo=UTC)
    )
    # Given in another zone, with fractions of a second: stored and read back as UTC instants.
    make_event(
        second,
        dt.datetime(2031, 3, 3, 8, 30, 15, 250000, tzinfo=berlin),
        dt.datetime(2031, 3, 3, 9, 45, 0, 1, tzinfo=berlin),
    )
    make_event(
        first, dt.datetime(2031, 3, 2, 23, tzinfo=UTC), dt.datetime(2031, 3, 3, 1, tzinfo=UTC)
    )

    spans = event_spans(Event.objects.all())

    orm = list(Event.objects.order_by("start").values_list("calendar_id", "start", "end"))
    assert spans == orm
    assert [start for _, start, _ in spans] == sorted(start for _, start, _ in spans)
    for _, start, end in spans:
        assert start.utcoffset() == end.utcoffset() == dt.timedelta(0)
    assert spans[1][1] == dt.datetime(2031, 3, 3, 7, 30, 15, 250000, tzinfo=UTC)
    assert spans[1][2] == dt.datetime(2031, 3, 3, 8, 45, 0, 1, tzinfo=UTC)


def test_event_spans_keep_the_querysets_filters(app_creds):
    calendar = primary_calendar(make_account(app_creds.application, name="A"))
    kept = make_event(
        calendar, dt.datetime(2031, 3, 3, 9, tzinfo=UTC), dt.datetime(2031, 3, 3, 10, tzinfo=UTC)
    )
    make_event(
        calendar,
        dt.datetime(2031, 3, 3, 11, tzinfo=UTC),
        dt.datetime(2031, 3, 3, 12, tzinfo=UTC),
        deleted=True,
    )
    assert event_spans(Event.objects.filter(deleted=False)) == [(calendar.pk, kept.start, kept.end)]
