"""One rule says whether an application may change events in a calendar (calendar_write_problem):
the event services refuse by it and event responses report `event_editable` by it."""

import pytest

from scheduling.errors import ValidationFailed
from scheduling.models import Calendar
from scheduling.selectors.calendars import calendar_write_problem
from scheduling.selectors.events import event_writable_by
from scheduling.services.events import event_upsert
from scheduling.timeformat import TimeValue
from tests.api_helpers import at
from tests.factories import make_account, make_event, primary_calendar

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("flags", "problem"),
    [
        ({}, None),
        ({"readonly": True}, "The calendar is read-only."),
        ({"deleted": True}, "The calendar has been deleted."),
        ({"readonly": True, "deleted": True}, "The calendar has been deleted."),
    ],
)
def test_the_service_and_the_event_response_agree_on_writability(app_creds, flags, problem):
    account = make_account(app_creds.application)
    calendar = primary_calendar(account)
    external = make_event(calendar, at(9), at(10))
    Calendar.objects.filter(pk=calendar.pk).update(**flags)
    calendar.refresh_from_db()
    external.refresh_from_db()

    assert calendar_write_problem(calendar) == problem
    assert event_writable_by(external, app_creds.application.pk) is (problem is None)
    upsert = {
        "account": account,
        "application": app_creds.application,
        "calendar_id": calendar.calendar_id,
        "event_id": "e1",
        "summary": "Meeting",
        "start": TimeValue(at(11)),
        "end": TimeValue(at(12)),
    }
    if problem is None:
        assert event_upsert(**upsert).event_id == "e1"
    else:
        with pytest.raises(ValidationFailed) as caught:
            event_upsert(**upsert)
        assert caught.value.errors == {"calendar_id": [("invalid", problem)]}
