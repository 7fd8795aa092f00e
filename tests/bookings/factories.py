"""Scheduling requests for tests, made through the API's own serializer and service."""

import datetime as dt

from bookings.api.serializers import SERIALIZERS
from bookings.models import SchedulingRequest
from bookings.services.scheduling_requests import scheduling_request_create
from scheduling.models import Account, Application
from tests.api_helpers import period
from tests.factories import primary_calendar


def scheduling_body(
    members: list[Account], *, periods=None, minutes: int = 60, required="all", **extra
) -> dict:
    """A real-time scheduling request for `members`, written into the first member's calendar."""
    return {
        "event": {"event_id": "interview-1", "summary": "Interview", "tzid": "Europe/London"},
        "availability": {
            "participants": [{"members": [m.sub for m in members], "required": required}],
            "required_duration": {"minutes": minutes},
            "available_periods": periods or [period(9, 12)],
            "start_interval": {"minutes": 30},
        },
        "target_calendars": [
            {"sub": members[0].sub, "calendar_id": primary_calendar(members[0]).calendar_id}
        ],
        **extra,
    }


def sequencing_body(first: Account, second: Account, *, periods=None, **extra) -> dict:
    """Two 60-minute steps: `first`, then `second` right after or later."""

    def step(sequence_id: str, ordinal: int, member: Account) -> dict:
        return {
            "sequence_id": sequence_id,
            "ordinal": ordinal,
            "participants": [{"members": [member.sub], "required": "all"}],
            "required_duration": {"minutes": 60},
            "event": {"summary": f"Step {sequence_id}"},
        }

    return {
        "event": {"event_id": "loop-1", "summary": "Interview loop", "tzid": "Europe/London"},
        "availability": {
            "sequence": [step("screen", 1, first), step("onsite", 2, second)],
            "available_periods": periods or [period(9, 13)],
        },
        "target_calendars": [
            {"sub": first.sub, "calendar_id": primary_calendar(first).calendar_id},
            {"sub": second.sub, "calendar_id": primary_calendar(second).calendar_id},
        ],
        **extra,
    }


def make_scheduling_request(
    application: Application,
    body: dict,
    *,
    kind: str = "scheduling",
    now: dt.datetime | None = None,
) -> SchedulingRequest:
    serializer = SERIALIZERS[kind](data=body)
    serializer.is_valid(raise_exception=True)
    return scheduling_request_create(
        application=application, kind=kind, spec=serializer.spec(), now=now
    )
