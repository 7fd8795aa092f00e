"""Output of the event and free/busy reads, and serializers documenting it (for the schema)."""

import datetime as dt

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from scheduling.api.input_schema import MOMENT_OUT, described
from scheduling.models import Event
from scheduling.selectors.events import event_writable_by, free_busy_status
from scheduling.timeformat import format_time


def present_when(instant: dt.datetime, day: dt.date | None, tzid: str, localized: bool):
    """A Time (or the Date of an all-day event); with localized_times, {time, tzid}."""
    value = day.isoformat() if day is not None else format_time(instant)
    return {"time": value, "tzid": tzid} if localized else value


def _location(event: Event) -> dict | None:
    location = {
        "description": event.location_description,
        "lat": event.location_lat,
        "long": event.location_long,
    }
    location = {key: value for key, value in location.items() if value}
    return location or None


def present_event(event: Event, *, localized: bool, application_id: int) -> dict:
    """Reference 4.2's event shape, as the application `application_id` sees it: its own managed
    events carry their event_id; another application's read as external events it cannot change.
    `event.calendar` must be loaded."""
    all_day = event.all_day
    own = event.application_id == application_id
    writable = event_writable_by(event, application_id)
    body = {"calendar_id": event.calendar.calendar_id, "event_uid": event.event_uid}
    if own:
        body["event_id"] = event.event_id
    body |= {
        "summary": event.summary,
        "description": event.description,
        "start": present_when(
            event.start, event.start_date if all_day else None, event.start_tzid, localized
        ),
        "end": present_when(
            event.end, event.end_date if all_day else None, event.end_tzid, localized
        ),
        "deleted": event.deleted,
        "created": format_time(event.created_at),
        "updated": format_time(event.updated_at),
    }
    if location := _location(event):
        body["location"] = location
    return body | {
        "participation_status": "accepted",
        "attendees": [],
        "organizer": {},
        "transparency": event.transparency,
        "status": event.status,
        "categories": [],
        "recurring": False,
        "event_private": False,
        "options": {"delete": writable, "update": writable, "change_participation_status": False},
    }


class EventOutSerializer(serializers.Serializer):
    """Documentation of present_event's shape."""

    calendar_id = serializers.CharField()
    event_uid = serializers.CharField()
    event_id = serializers.CharField(
        required=False, help_text="Events managed by the calling application only"
    )
    summary = serializers.CharField()
    description = serializers.CharField()
    start = described(serializers.CharField(), MOMENT_OUT)
    end = described(serializers.CharField(), MOMENT_OUT)
    deleted = serializers.BooleanField()
    created = serializers.CharField()
    updated = serializers.CharField()
    location = serializers.DictField(required=False)
    participation_status = serializers.CharField()
    attendees = serializers.ListField()
    organizer = serializers.DictField()
    transparency = serializers.CharField()
    status = serializers.CharField()
    categories = serializers.ListField()
    recurring = serializers.BooleanField()
    event_private = serializers.BooleanField()
    options = serializers.DictField()


EventsPage = inline_serializer(
    "EventsPage",
    {
        "pages": serializers.DictField(help_text="{current, total, next_page?}"),
        "events": EventOutSerializer(many=True),
        "userinfo": serializers.DictField(
            required=False, help_text="With include_userinfo=true, on the first page: /v1/userinfo"
        ),
    },
)


def present_free_busy(event: Event, *, localized: bool) -> dict:
    """{calendar_id, start, end, free_busy_status}; all-day events as Dates."""

    all_day = event.all_day
    return {
        "calendar_id": event.calendar.calendar_id,
        "start": present_when(
            event.start, event.start_date if all_day else None, event.start_tzid, localized
        ),
        "end": present_when(
            event.end, event.end_date if all_day else None, event.end_tzid, localized
        ),
        "free_busy_status": free_busy_status(event),
    }


FreeBusyPage = inline_serializer(
    "FreeBusyPage",
    {
        "pages": serializers.DictField(help_text="{current, total, next_page?}"),
        "free_busy": inline_serializer(
            "FreeBusyBlock",
            {
                "calendar_id": serializers.CharField(),
                "start": described(serializers.CharField(), MOMENT_OUT),
                "end": described(serializers.CharField(), MOMENT_OUT),
                "free_busy_status": serializers.ChoiceField(choices=["busy", "tentative", "free"]),
            },
            many=True,
        ),
    },
)
