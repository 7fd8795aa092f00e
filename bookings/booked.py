"""What a completed scheduling request booked, as events: read from the stored outcome and spec
(booking.py `_outcome`), for the confirmation page, its .ics file and the visitor's calendar.

Scheduling books one event; sequencing one per step (each with its step's own summary).
"""

import datetime as dt
from dataclasses import dataclass

from bookings import specs
from bookings.models import SchedulingRequest
from scheduling.timeformat import parse_time


@dataclass(frozen=True)
class BookedEvent:
    # Stable within the request: "" for a scheduling request's event, the sequence_id of a step.
    key: str
    summary: str
    description: str
    location: dict | None
    start: dt.datetime
    end: dt.datetime
    tzid: str
    participants: tuple[str, ...]

    @property
    def location_text(self) -> str:
        return (self.location or {}).get("description") or ""


def booked_events(scheduling_request: SchedulingRequest) -> list[BookedEvent]:
    """The events booked, in time order; none before the request is completed."""
    outcome = scheduling_request.outcome
    if outcome is None:
        return []
    spec = scheduling_request.spec
    tzid = specs.event_tzid(spec)
    if "sequence" not in outcome:
        return [_event("", spec["event"], outcome["start"], outcome["end"], tzid, outcome)]
    return [
        _event(step["sequence_id"], step["event"], step["start"], step["end"], tzid, step)
        for step in outcome["sequence"]
    ]


def _event(key: str, event: dict, start: str, end: str, tzid: str, booked: dict) -> BookedEvent:
    return BookedEvent(
        key=key,
        summary=event.get("summary") or "",
        description=event.get("description") or "",
        location=event.get("location") or None,
        start=parse_time(start),
        end=parse_time(end),
        tzid=tzid,
        participants=tuple(booked["participants"]),
    )
