"""The settings a project holds, checked for the shape Timekit documents (reference 1.5, 1.6)
and stored as validated JSON in that same shape, which is what booking.js reads back from
/v2/projects/embed/{id}. Keys a settings object does not know are left out (as every API body's
unknown keys are); `customer_fields` takes any custom field name and `ui` any plain values.

- `availability`: mode, length, buffer, from, to, constraints, output_timezone. Durations are
  Timekit's human strings ("30 minutes", "1 hour", "3 days 2 weeks": minutes, hours, days,
  weeks); `from`/`to` are "now", such a duration (relative to now) or an ISO 8601 time.
- `booking`: graph (instant, confirm_decline, group_customer, group_owner), the graph's first
  action (filled in when absent: `confirm` for instant, `create` for the others, so that the
  widget never posts its own default `confirm` with another graph), what/where/description and
  settings {allow_double_bookings, max_seats, min_cancel_time, min_booking_time,
  max_booking_time}.
- `customer_fields`: name, email, phone, comment and custom fields, each {title, format,
  required, enum, prefilled, readonly, placeholder}; `select` takes a non-empty `enum`.
- `ui`: display_name and any plain values (text, numbers, booleans, null), nested at most
  UI_DEPTH levels in objects and lists (booking.js's `localization.strings.*`).
"""

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.engine import graphs
from bookings.engine.durations import DURATION_PATTERN
from bookings.v2.resources import ConstraintField
from scheduling.api.fields import (
    BooleanField,
    CharField,
    ChoiceField,
    IntegerField,
    JSONObjectField,
    ListField,
    TzidField,
)
from scheduling.api.input_schema import NOT_BLANK, STORABLE, TIME
from scheduling.api.storable import shown_key
from scheduling.timeformat import TimeFormatError, parse_time

DURATION_TEXT = DURATION_PATTERN
MOMENT = f"^(now|{DURATION_TEXT[1:-1]}|{TIME['pattern'][1:-1]})$"
MODES = ("mutual", "roundrobin_random", "roundrobin_prioritized", "exclusive")
FIRST_ACTIONS = {
    graphs.INSTANT: "confirm",
    graphs.CONFIRM_DECLINE: "create",
    graphs.GROUP_CUSTOMER: "create",
    graphs.GROUP_OWNER: "create",
}
FIELD_FORMATS = ("text", "textarea", "select", "checkbox", "tel", "email", "number")
FIELD_NAME = "^[a-z][a-z0-9_]{0,63}$"
MAX_FIELDS = 50
MAX_KEYS = 100
UI_DEPTH = 3


def _patterned(pattern: str, description: str, max_length: int = 200):
    @extend_schema_field(
        {"type": "string", "pattern": pattern, "maxLength": max_length, "description": description}
    )
    class Patterned(CharField):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(max_length=max_length, trim_whitespace=False, **kwargs)

        def to_internal_value(self, data: Any) -> str:
            value = super().to_internal_value(data)
            if not re.fullmatch(pattern, value):
                raise serializers.ValidationError(f"Expected {description}.", code="invalid")
            return value

    return Patterned


DurationTextField = _patterned(DURATION_TEXT, 'a duration such as "30 minutes" or "1 day 2 hours"')


class MomentField(_patterned(MOMENT, '"now", a duration from now ("4 weeks") or an ISO 8601 time')):
    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if "T" in value:  # the pattern lets 2025-02-31 through; the calendar does not
            try:
                parse_time(value)
            except TimeFormatError as exc:
                raise serializers.ValidationError(str(exc), code="invalid") from exc
        return value


class AvailabilitySerializer(serializers.Serializer):
    mode = ChoiceField(choices=MODES, required=False)
    length = DurationTextField(required=False)
    buffer = DurationTextField(required=False)
    constraints = ListField(child=ConstraintField(), required=False, max_length=100)
    output_timezone = TzidField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()  # `from` is a Python keyword: added here
        fields["from"] = MomentField(required=False)
        fields["to"] = MomentField(required=False)
        return fields

    def validate(self, attrs: dict) -> dict:
        """What is stored is what POST /v2/availability with this project will accept: its own
        serializer checks the bounds a pattern cannot say (a length of 5 minutes to a day)."""
        from bookings.v2.availability import AvailabilitySettingsSerializer

        check = AvailabilitySettingsSerializer(data=attrs)
        if not check.is_valid():
            raise serializers.ValidationError(check.errors)
        return attrs


class BookingSettingsSerializer(serializers.Serializer):
    allow_double_bookings = BooleanField(required=False)
    max_seats = IntegerField(required=False, min_value=1, max_value=100_000)
    min_cancel_time = DurationTextField(required=False)
    min_booking_time = DurationTextField(required=False)
    max_booking_time = DurationTextField(required=False)


class BookingSerializer(serializers.Serializer):
    graph = ChoiceField(choices=list(FIRST_ACTIONS))
    action = ChoiceField(choices=sorted(set(FIRST_ACTIONS.values())), required=False)
    what = CharField(max_length=1024, required=False, allow_blank=True)
    where = CharField(max_length=1024, required=False, allow_blank=True)
    description = CharField(max_length=10_000, required=False, allow_blank=True)
    settings = BookingSettingsSerializer(required=False)

    def validate(self, attrs: dict) -> dict:
        first = FIRST_ACTIONS[attrs["graph"]]
        if attrs.setdefault("action", first) != first:
            raise serializers.ValidationError(
                {"action": [f"The graph {attrs['graph']!r} starts with {first!r}."]}
            )
        return attrs


@extend_schema_field({"type": ["string", "boolean", "number", "null"], "pattern": STORABLE})
class PrefilledField(serializers.Field):
    """A prefilled value: text, a boolean (a checkbox; false = none) or a number."""

    def to_internal_value(self, data: Any) -> Any:
        if data is None or isinstance(data, str | bool | int | float):
            if isinstance(data, str) and len(data) > 1000:
                raise serializers.ValidationError("At most 1000 characters.", code="max_length")
            return data
        raise serializers.ValidationError("Expected text, a boolean or a number.", code="invalid")


class CustomerFieldSerializer(serializers.Serializer):
    title = CharField(max_length=200, required=False)
    format = ChoiceField(choices=FIELD_FORMATS, required=False)
    required = BooleanField(required=False)
    enum = ListField(child=CharField(max_length=200), required=False, max_length=100)
    prefilled = PrefilledField(required=False)
    readonly = BooleanField(required=False)
    placeholder = CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("format") == "select" and not attrs.get("enum"):
            raise serializers.ValidationError({"enum": ["A select field lists its choices."]})
        if "enum" in attrs and attrs.get("format", "select") != "select":
            raise serializers.ValidationError({"enum": ["Only a select field has choices."]})
        return attrs


TEXT = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": NOT_BLANK}


def _field_schema() -> dict:
    return {
        "type": "object",
        "properties": {
            "title": TEXT,
            "format": {"type": "string", "enum": list(FIELD_FORMATS)},
            "required": {"type": "boolean"},
            "enum": {"type": "array", "maxItems": 100, "items": TEXT},
            "prefilled": {
                "type": ["string", "boolean", "number", "null"],
                "pattern": STORABLE,
                "maxLength": 1000,
            },
            "readonly": {"type": "boolean"},
            "placeholder": {"type": "string", "maxLength": 200, "pattern": STORABLE},
        },
    }


@extend_schema_field(
    {
        "type": "object",
        "maxProperties": MAX_FIELDS,
        "propertyNames": {"pattern": FIELD_NAME},
        "additionalProperties": _field_schema(),
        "description": "name, email, phone, comment and custom fields, each a field object",
    }
)
class CustomerFieldsField(JSONObjectField):
    """{field name: field object}; errors name the field (`customer_fields.shoe_size.enum`)."""

    def to_internal_value(self, data: Any) -> dict:
        value = super().to_internal_value(data)
        if len(value) > MAX_FIELDS:
            raise serializers.ValidationError(f"At most {MAX_FIELDS} fields.", code="max_length")
        fields: dict[str, dict] = {}
        errors: dict[str, Any] = {}
        for name, spec in value.items():
            if not re.fullmatch(FIELD_NAME, name):
                errors[shown_key(name)] = ["A field name is lower-case letters, digits and _."]
                continue
            serializer = CustomerFieldSerializer(data=spec)
            if serializer.is_valid():
                fields[name] = dict(serializer.validated_data)
            else:
                errors[name] = serializer.errors
        if errors:
            raise serializers.ValidationError(errors)
        return fields


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _plain(value: Any, depth: int) -> bool:
    """Plain values nested at most `depth` levels, no container over MAX_KEYS entries."""
    if _scalar(value):
        return True
    if depth == 0 or not isinstance(value, list | dict) or len(value) > MAX_KEYS:
        return False
    items = value.values() if isinstance(value, dict) else value
    return all(_plain(item, depth - 1) for item in items)


def _plain_schema(depth: int) -> dict:
    scalar = {"type": ["string", "number", "boolean", "null"], "pattern": STORABLE}
    if depth == 0:
        return scalar
    inner = _plain_schema(depth - 1)
    return {
        "anyOf": [
            scalar,
            {"type": "array", "maxItems": MAX_KEYS, "items": inner},
            {"type": "object", "maxProperties": MAX_KEYS, "additionalProperties": inner},
        ]
    }


@extend_schema_field(
    {
        "type": "object",
        "maxProperties": MAX_KEYS,
        "propertyNames": {"pattern": STORABLE},
        "properties": {"display_name": {"type": "string", "maxLength": 200, "pattern": STORABLE}},
        "additionalProperties": _plain_schema(UI_DEPTH - 1),
        "description": "display_name and any plain values booking.js reads (ui.*)",
    }
)
class UiField(JSONObjectField):
    def to_internal_value(self, data: Any) -> dict:
        value = super().to_internal_value(data)
        if len(value) > MAX_KEYS:
            raise serializers.ValidationError(f"At most {MAX_KEYS} keys.", code="max_length")
        errors = {
            shown_key(key): ["Expected plain values (text, numbers, booleans, null)."]
            for key, item in value.items()
            if not _plain(item, UI_DEPTH - 1)
        }
        name = value.get("display_name")
        if name is not None and (not isinstance(name, str) or len(name) > 200):
            errors["display_name"] = ["Expected text of at most 200 characters."]
        if errors:
            raise serializers.ValidationError(errors)
        return value
