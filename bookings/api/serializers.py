"""Input of POST /v1/real_time_scheduling and /v1/real_time_sequencing, as pycronofy and seed 002
send it.

The `availability` object is the very query /v1/availability (or /v1/sequenced_availability) takes,
parsed by the core's serializers (same fields, same limits); a sequencing step's `event` is read
as an event here, which the core leaves opaque. `spec()` gives the request back in its JSON form
for storing, and `specs.availability_query(spec)` parses a stored one again for the page, so there
is one shape.
"""

from typing import Any

from rest_framework import serializers

from scheduling.api.availability_input import (
    AvailabilityRequestSerializer,
    SequencedAvailabilityRequestSerializer,
    StepSerializer,
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
from scheduling.api.input_schema import http_url_field
from scheduling.engine import limits

MAX_TARGET_CALENDARS = 10
DISPLAY_MESSAGE_MAX = 1000


class EventSpecSerializer(serializers.Serializer):
    """The event to write once a time is picked: no start or end (the pick gives them), and no
    attendees (Cronofy does not support them here either). Other event fields are ignored, as
    the event upsert ignores them."""

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
                key: [
                    serializers.ErrorDetail(
                        "is not supported here: the end user's pick sets the time"
                        if key != "attendees"
                        else "is not supported by real-time scheduling",
                        code="not_supported",
                    )
                ]
                for key in ("start", "end", "attendees")
                if key in data
            }
            if refused:
                raise serializers.ValidationError(refused)
        attrs = super().to_internal_value(data)
        return {key: value for key, value in attrs.items() if value is not None}


class StepEventSpecSerializer(EventSpecSerializer):
    """A sequence step's event, over the request's event: its event_id defaults to the request
    event's suffixed with the step's sequence_id (bookings/specs.py step_event)."""

    event_id = CharField(
        max_length=255, trim_whitespace=False, validators=[printable], required=False
    )
    summary = CharField(max_length=1024, trim_whitespace=False, required=False)
    tzid = None  # the request's tzid is every event's


class SchedulingStepSerializer(StepSerializer):
    event = StepEventSpecSerializer(required=False)


class SchedulingSequenceSerializer(SequencedAvailabilityRequestSerializer):
    """The sequenced availability query, each step's event read as an event."""

    sequence = ListField(
        child=SchedulingStepSerializer(), min_length=1, max_length=limits.MAX_SEQUENCE_STEPS
    )

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        # The completed callback names each step by its sequence_id.
        seen: set[str] = set()
        for index, step in enumerate(attrs["sequence"]):
            if step["sequence_id"] in seen:
                raise serializers.ValidationError(
                    {f"sequence.{index}.sequence_id": ["is used by another step"]},
                    code="duplicate",
                )
            seen.add(step["sequence_id"])
        return attrs


class TargetCalendarSerializer(serializers.Serializer):
    sub = CharField(max_length=40)
    calendar_id = CharField(max_length=64)


class OAuthSerializer(serializers.Serializer):
    redirect_uri = http_url_field(required=False)
    scope = optional_text(500)
    state = optional_text(2000)


class CallbackUrlsSerializer(serializers.Serializer):
    completed_url = http_url_field(required=False)
    no_times_suitable_url = http_url_field(required=False)
    no_times_displayed_url = http_url_field(required=False)


class RedirectUrlsSerializer(serializers.Serializer):
    completed_url = http_url_field(required=False)


class _SchedulingRequestSerializer(serializers.Serializer):
    event = EventSpecSerializer()
    target_calendars = ListField(
        child=TargetCalendarSerializer(), min_length=1, max_length=MAX_TARGET_CALENDARS
    )
    minimum_notice = DurationField(required=False, allow_null=True)
    callback_url = http_url_field(
        required=False, allow_null=True, help_text="Deprecated: callback_urls.completed_url"
    )
    callback_urls = CallbackUrlsSerializer(required=False, allow_null=True)
    redirect_urls = RedirectUrlsSerializer(required=False, allow_null=True)
    oauth = OAuthSerializer(required=False, allow_null=True)
    tzid = TzidField(required=False, allow_null=True)
    event_creation = ChoiceField(choices=["default", "single"], required=False, allow_null=True)
    # Seed 002 authenticates with these in the body (ClientCredentialsAuthentication reads them).
    client_id = optional_text(200)
    client_secret = optional_text(200)

    kind: str

    def spec(self) -> dict:
        """The validated request in JSON form, as stored. `availability` is kept as sent: it is
        re-parsed by the same serializer whenever it is used. The legacy `callback_url` stands
        in for `callback_urls.completed_url` when that is absent; it is kept too, so that an
        error about it names the field the client sent."""
        data = self.validated_data
        callback_urls = {k: v for k, v in (data.get("callback_urls") or {}).items() if v}
        legacy = {}
        if data.get("callback_url") and not callback_urls.get("completed_url"):
            callback_urls["completed_url"] = legacy["callback_url"] = data["callback_url"]
        notice = data.get("minimum_notice")
        return {
            "event": _json_event(data["event"]),
            "availability": self.initial_data["availability"],
            "target_calendars": [dict(t) for t in data["target_calendars"]],
            "minimum_notice_minutes": int(notice.total_seconds() // 60) if notice else 0,
            "callback_urls": callback_urls,
            **legacy,
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
    availability = SchedulingSequenceSerializer()


class DisableSerializer(serializers.Serializer):
    display_message = CharField(
        max_length=DISPLAY_MESSAGE_MAX,
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text="Shown to visitors of the disabled link",
    )


class TokenQuerySerializer(serializers.Serializer):
    token = CharField(max_length=200, help_text="The token in the link's URL")


SERIALIZERS = {
    "scheduling": RealTimeSchedulingSerializer,
    "sequencing": RealTimeSequencingSerializer,
}
