"""Input of POST /v1/real_time_scheduling and /v1/real_time_sequencing, as pycronofy and seed 002
send it.

The `availability` object is the very query /v1/availability (or /v1/sequenced_availability) takes,
parsed by the core's serializers; `spec()` gives the request back in its JSON form for storing,
and `availability_query(spec)` parses a stored one again for the page, so there is one shape.
"""

from typing import Any

from rest_framework import serializers

from scheduling.api.availability_input import (
    AvailabilityRequestSerializer,
    SequencedAvailabilityRequestSerializer,
)
from scheduling.api.event_params import LocationSerializer, printable
from scheduling.api.fields import (
    CharField,
    ChoiceField,
    DurationField,
    ListField,
    TzidField,
    optional_text,
)
from scheduling.api.input_schema import HTTP_URL, described

MAX_TARGET_CALENDARS = 10
URL_MAX = 2000


def url_field(**kwargs: Any) -> serializers.Field:
    return described(
        CharField(max_length=URL_MAX, trim_whitespace=False, **kwargs),
        {"type": "string", "maxLength": URL_MAX, "pattern": HTTP_URL},
    )


class EventSpecSerializer(serializers.Serializer):
    """The event to write once a time is picked: no start or end (the pick gives them), and no
    attendees (Cronofy does not support them here either)."""

    event_id = CharField(max_length=255, trim_whitespace=False, validators=[printable])
    summary = CharField(max_length=1024, trim_whitespace=False)
    description = CharField(
        max_length=32768, required=False, allow_blank=True, allow_null=True, trim_whitespace=False
    )
    location = LocationSerializer(required=False, allow_null=True)
    tzid = TzidField(required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> dict:
        if isinstance(data, dict):
            refused = {
                key: ["is not supported here: the end user's pick sets the time"]
                for key in ("start", "end", "attendees")
                if key in data
            }
            if refused:
                raise serializers.ValidationError(refused)
        attrs = super().to_internal_value(data)
        return {key: value for key, value in attrs.items() if value is not None}


class StepEventSpecSerializer(EventSpecSerializer):
    """A sequence step's event: its event_id defaults to the request event's, suffixed with the
    step's sequence_id."""

    event_id = CharField(
        max_length=255, trim_whitespace=False, validators=[printable], required=False
    )
    summary = CharField(max_length=1024, trim_whitespace=False, required=False)


class TargetCalendarSerializer(serializers.Serializer):
    sub = CharField(max_length=40)
    calendar_id = CharField(max_length=64)


class OAuthSerializer(serializers.Serializer):
    redirect_uri = url_field(required=False)
    scope = optional_text(500)
    state = optional_text(2000)


class CallbackUrlsSerializer(serializers.Serializer):
    completed_url = url_field(required=False)
    no_times_suitable_url = url_field(required=False)
    no_times_displayed_url = url_field(required=False)


class RedirectUrlsSerializer(serializers.Serializer):
    completed_url = url_field(required=False)


class _SchedulingRequestSerializer(serializers.Serializer):
    event = EventSpecSerializer()
    target_calendars = ListField(
        child=TargetCalendarSerializer(), min_length=1, max_length=MAX_TARGET_CALENDARS
    )
    minimum_notice = DurationField(required=False, allow_null=True)
    callback_url = url_field(required=False, allow_null=True)
    callback_urls = CallbackUrlsSerializer(required=False, allow_null=True)
    redirect_urls = RedirectUrlsSerializer(required=False, allow_null=True)
    oauth = OAuthSerializer(required=False, allow_null=True)
    tzid = TzidField(required=False, allow_null=True)
    event_creation = ChoiceField(choices=["default", "single"], required=False, allow_null=True)
    # Seed 002 authenticates with these in the body (authentication reads them).
    client_id = optional_text(200)
    client_secret = optional_text(200)

    kind: str

    def spec(self) -> dict:
        """The validated request in JSON form, as stored. `availability` is kept as sent: it is
        re-parsed by the same serializer whenever it is used."""
        data = self.validated_data
        callback_urls = dict(data.get("callback_urls") or {})
        if data.get("callback_url") and not callback_urls.get("completed_url"):
            callback_urls["completed_url"] = data["callback_url"]
        notice = data.get("minimum_notice")
        return {
            "event": _json_event(data["event"]),
            "availability": self.initial_data["availability"],
            "target_calendars": [dict(t) for t in data["target_calendars"]],
            "minimum_notice_minutes": int(notice.total_seconds() // 60) if notice else 0,
            "callback_urls": callback_urls,
            "redirect_urls": dict(data.get("redirect_urls") or {}),
            "oauth": dict(data.get("oauth") or {}),
            "tzid": data.get("tzid") or data["event"].get("tzid") or "",
            "event_creation": data.get("event_creation") or "default",
        }


def _json_event(event: dict) -> dict:
    out = dict(event)
    if "location" in out:
        out["location"] = {k: v for k, v in dict(out["location"]).items() if v is not None}
    return out


class RealTimeSchedulingSerializer(_SchedulingRequestSerializer):
    kind = "scheduling"
    availability = AvailabilityRequestSerializer()


class RealTimeSequencingSerializer(_SchedulingRequestSerializer):
    kind = "sequencing"
    availability = SequencedAvailabilityRequestSerializer()

    def validate(self, attrs: dict) -> dict:
        errors = {}
        for index, step in enumerate(self.initial_data["availability"]["sequence"]):
            step_event = StepEventSpecSerializer(data=step.get("event") or {})
            if not step_event.is_valid():
                errors[f"availability.sequence.{index}.event"] = step_event.errors
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class DisableSerializer(serializers.Serializer):
    display_message = CharField(
        max_length=1000, required=False, allow_blank=True, allow_null=True, default=""
    )


SERIALIZERS = {
    "scheduling": RealTimeSchedulingSerializer,
    "sequencing": RealTimeSequencingSerializer,
}
