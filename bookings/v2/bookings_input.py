"""What /v2/bookings reads: the create body (Timekit's flat v2 form, reference 1.3), an action's
options, a reschedule, and Timekit's human durations ("2 hours", "1 day 30 minutes").

A project's `booking` settings are defaults under the request (`with_project_defaults`): the
merged body is validated as one, so a project's defaults meet the same rules as a request's.
"""

import datetime as dt
from typing import Any

from django.core.validators import EmailValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.engine import graphs
from bookings.engine.durations import DURATION_PATTERN, MAX_LENGTH, duration_parse
from scheduling.api.fields import (
    BooleanField,
    CharField,
    ChoiceField,
    IntegerField,
    JSONObjectField,
    TimeField,
    TzidField,
)
from scheduling.api.input_schema import STORABLE, described
from scheduling.errors import ValidationFailed
from scheduling.timeformat import MAX_DURATION


def parse_human_duration(text: str) -> dt.timedelta:
    """ "2 hours" -> 2 h; parts add up ("1 day 30 minutes"). ValueError when malformed or longer
    than MAX_DURATION."""
    total = duration_parse(text)
    if total is None:
        raise ValueError('must be a duration such as "2 hours" or "1 day 30 minutes"')
    if total > MAX_DURATION:
        raise ValueError(f"must be at most {MAX_DURATION.days} days")
    return total


@extend_schema_field(
    {
        "type": "string",
        "pattern": DURATION_PATTERN,
        "maxLength": MAX_LENGTH,
        "description": 'A Timekit duration, e.g. "2 hours", "1 day 30 minutes"',
    }
)
class HumanDurationField(serializers.Field):
    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, data: Any) -> dt.timedelta:
        if not isinstance(data, str) or len(data) > MAX_LENGTH:
            self.fail("invalid", message='must be a duration such as "2 hours"')
        try:
            return parse_human_duration(data)
        except ValueError as exc:
            self.fail("invalid", message=str(exc))

    def to_representation(self, value: dt.timedelta) -> str:
        return f"{int(value.total_seconds() // 60)} minutes"


def _text(max_length: int, **kwargs) -> CharField:
    return CharField(required=False, allow_blank=True, default="", max_length=max_length, **kwargs)


EMAIL = {"type": "string", "format": "email", "maxLength": 254}
CUSTOMER_FIELDS = ("name", "email", "timezone")
MAX_CUSTOMER_EXTRA = 30


class CustomerSerializer(serializers.Serializer):
    """Timekit's customer: name, email, timezone, and any other plain fields (phone, voip,
    comment, first_name, last_name, where, custom keys), kept as given."""

    name = CharField(max_length=255)
    email = described(
        CharField(max_length=254, validators=[EmailValidator()], trim_whitespace=False), EMAIL
    )
    timezone = TzidField(required=False)

    def to_internal_value(self, data: Any) -> dict:
        values = super().to_internal_value(data)
        extra = {k: v for k, v in data.items() if k not in CUSTOMER_FIELDS and k != "id"}
        if len(extra) > MAX_CUSTOMER_EXTRA:
            raise serializers.ValidationError(
                f"At most {MAX_CUSTOMER_EXTRA} other customer fields.", code="invalid"
            )
        for key, value in extra.items():
            if isinstance(value, dict | list) or (isinstance(value, str) and len(value) > 2000):
                raise serializers.ValidationError(
                    {key: ["Must be a string (up to 2000 characters), number or boolean."]}
                )
        return {**values, "extra": extra}


class SettingsSerializer(serializers.Serializer):
    max_seats = IntegerField(required=False, min_value=1, max_value=100_000)
    min_booking_time = HumanDurationField(required=False)
    max_booking_time = HumanDurationField(required=False)
    min_cancel_time = HumanDurationField(required=False)
    # Accepted as Timekit documents it; a one-to-one booking never double-books here.
    allow_double_bookings = BooleanField(required=False)


class RelatedSerializer(serializers.Serializer):
    owner_booking_id = CharField(max_length=64)
    seats = IntegerField(required=False, min_value=1, max_value=1000)


GRAPH_CHOICES = list(graphs.GRAPHS)
# Timekit names a graph's first action at create; the graph's own initial state applies.
CREATE_ACTIONS = ["create", "confirm"]


class BookingCreateSerializer(serializers.Serializer):
    graph = ChoiceField(choices=GRAPH_CHOICES, required=False)
    action = ChoiceField(choices=CREATE_ACTIONS, required=False)
    resource_id = CharField(max_length=64, required=False)
    project_id = CharField(max_length=64, required=False)
    calendar_id = CharField(max_length=64, required=False)
    start = TimeField(required=False)
    end = TimeField(required=False)
    what = _text(1024)
    where = _text(1024)
    description = _text(10_000)
    customer = CustomerSerializer(required=False)
    settings = SettingsSerializer(required=False)
    related = RelatedSerializer(required=False)
    # booking.js and older clients send the seat count at the top level too.
    seats = IntegerField(required=False, min_value=1, max_value=1000)
    meta = JSONObjectField(required=False)

    def validate(self, attrs: dict) -> dict:
        """What each graph needs, named by field path."""
        graph = attrs.get("graph")
        missing = []
        if graph is None:
            missing.append("graph")
        elif graph == graphs.GROUP_OWNER:
            missing += [f for f in ("resource_id", "start", "end") if f not in attrs]
            if "max_seats" not in attrs.get("settings", {}):
                missing.append("settings.max_seats")
        elif graph == graphs.GROUP_CUSTOMER:
            missing += [f for f in ("related", "customer") if f not in attrs]
        else:
            missing += [f for f in ("resource_id", "start", "end", "customer") if f not in attrs]
        if missing:
            message = (
                f"Required; the graphs are {', '.join(GRAPH_CHOICES)}."
                if missing == ["graph"]
                else "Required for this graph."
            )
            raise serializers.ValidationError({field: [message] for field in missing})
        if "start" in attrs and "end" in attrs and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["Must be after the start."]})
        return attrs


# Keys of a project's `booking` settings that are defaults of a booking made through it.
PROJECT_DEFAULTS = ("graph", "action", "what", "where", "description")


def with_project_defaults(body: dict, booking_settings: dict) -> dict:
    """The request `body` over the project's `booking` settings (its `settings` merged key by
    key: a request that sets `max_seats` keeps the project's `min_cancel_time`)."""
    if not isinstance(booking_settings, dict):
        return body
    merged = {k: booking_settings[k] for k in PROJECT_DEFAULTS if k in booking_settings}
    merged.update(body)
    project_settings = booking_settings.get("settings")
    if isinstance(project_settings, dict):
        request_settings = body.get("settings")
        if isinstance(request_settings, dict) or request_settings is None:
            merged["settings"] = {**project_settings, **(request_settings or {})}
    return merged


# The body of `PUT /v2/bookings/{id}/{action}` (schema only: its keys are action names).
ACTION_BODY = {
    "type": "object",
    "propertyNames": {"pattern": STORABLE},
    "additionalProperties": {
        "type": "object",
        "propertyNames": {"pattern": STORABLE},
        "properties": {"message": {"type": "string", "maxLength": 5000, "pattern": STORABLE}},
    },
    "description": 'Options nested under the action\'s name: {"cancel": {"message": "..."}}',
}


def action_message(body: Any, action: str) -> str:
    """The message of an action's options, nested under its name (a decline's may sit under
    `notify_customer_declined_by_email`, as Timekit documents). Other options are accepted and
    ignored. ValidationFailed for a body of the wrong shape."""
    if not isinstance(body, dict):
        raise ValidationFailed.one("base", "invalid", "Must be a JSON object.")
    for name, options in body.items():
        if not isinstance(options, dict):
            raise ValidationFailed.one(name, "invalid", "Must be a JSON object.")
        message = options.get("message", "")
        if not isinstance(message, str) or len(message) > 5000:
            raise ValidationFailed.one(
                f"{name}.message", "invalid", "Must be a string of up to 5000 characters."
            )
    for name in (action, "notify_customer_declined_by_email"):
        if body.get(name, {}).get("message"):
            return body[name]["message"]
    return ""


class RescheduleSerializer(serializers.Serializer):
    start = TimeField()
    end = TimeField()
    resource_id = CharField(max_length=64, required=False)
    message = _text(5000)

    def validate(self, attrs: dict) -> dict:
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["Must be after the start."]})
        return attrs
