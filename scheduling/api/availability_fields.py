"""The parts of an availability query: periods, members, groups and buffers (assembled into whole
requests by api/availability_input.py).

Members, periods and ids come by the hundred and thousand in one request, so these are built to
cost little per item: plain fields where DRF serializers would cost several times the parsing, and
one bound serializer per member field rather than one per member.
"""

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from scheduling.api.fields import (
    BooleanField,
    CharField,
    DurationField,
    IdListField,
    ListField,
    TimeField,
    calendar_ids_field,
)
from scheduling.api.input_schema import NOT_BLANK, period_schema
from scheduling.engine import limits
from scheduling.timeformat import TimeFormatError, parse_time


@extend_schema_field(period_schema())
class PeriodField(serializers.Field):
    """{"start": Time, "end": Time}, end after start.

    A plain field, not a serializer: a query may hold five thousand periods (fifty for each of a
    hundred members), and DRF's serializer machinery costs several times the parsing of them.
    """

    default_error_messages = {"invalid": "must be an object with a start and an end"}

    def to_internal_value(self, data: Any) -> dict[str, dt.datetime]:
        if not isinstance(data, dict):
            self.fail("invalid")
        values, errors = {}, {}
        for key in ("start", "end"):
            if key not in data:
                errors[key] = [ErrorDetail("This field is required.", code="required")]
                continue
            try:
                values[key] = parse_time(data[key])
            except TimeFormatError as exc:
                errors[key] = [ErrorDetail(str(exc), code="invalid")]
        if not errors and values["end"] <= values["start"]:
            errors["end"] = [ErrorDetail("must be after start", code="invalid")]
        if errors:
            raise serializers.ValidationError(errors)
        return values

    def to_representation(self, value: dict) -> dict:
        return value


class QuerySlotSerializer(serializers.Serializer):
    start = TimeField()


def periods_field(**kwargs: Any) -> ListField:
    return ListField(child=PeriodField(), max_length=limits.MAX_QUERY_PERIODS, **kwargs)


class MemberObjectSerializer(serializers.Serializer):
    sub = CharField(max_length=64)
    calendar_ids = calendar_ids_field(required=False)
    available_periods = periods_field(required=False, min_length=1)
    managed_availability = BooleanField(required=False, default=False)
    availability_rule_ids = IdListField(required=False, max_length=100)


_SUB = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": NOT_BLANK}
_IDS = {"type": "array", "items": _SUB, "maxItems": 100}


@extend_schema_field(
    {
        "oneOf": [
            {**_SUB, "description": "The member's sub"},
            {
                "type": "object",
                "properties": {
                    "sub": _SUB,
                    "calendar_ids": _IDS,
                    "available_periods": {
                        "type": "array",
                        "items": period_schema(),
                        "minItems": 1,
                        "maxItems": limits.MAX_QUERY_PERIODS,
                    },
                    "managed_availability": {"type": "boolean"},
                    "availability_rule_ids": _IDS,
                },
                "required": ["sub"],
            },
        ]
    }
)
class MemberField(serializers.Field):
    """A member: a bare sub string, or an object with sub and options."""

    default_error_messages = {"invalid": "must be a sub or an object with a sub"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # One bound serializer for every member: building one per member copies its fields.
        self.member = MemberObjectSerializer()
        self.member.bind(field_name="", parent=self)

    def to_internal_value(self, data: Any) -> dict:
        if isinstance(data, str):
            data = {"sub": data}
        if not isinstance(data, dict):
            self.fail("invalid")
        return self.member.run_validation(data)

    def to_representation(self, value: dict) -> dict:
        return value


@extend_schema_field(
    {"oneOf": [{"type": "string", "enum": ["all"]}, {"type": "integer", "minimum": 1}]}
)
class RequiredField(serializers.Field):
    """`required`: "all" or a positive integer (pycronofy sends "all" when absent)."""

    default_error_messages = {"invalid": 'must be "all" or a positive integer'}

    def to_internal_value(self, data: Any) -> int | None:
        if data == "all":
            return None
        if isinstance(data, bool) or not isinstance(data, int) or data < 1:
            self.fail("invalid")
        return data

    def to_representation(self, value: int | None) -> Any:
        return "all" if value is None else value


class GroupSerializer(serializers.Serializer):
    members = ListField(child=MemberField(), min_length=1, max_length=limits.MAX_MEMBERS)
    required = RequiredField(required=False, default=None)

    def validate(self, attrs: dict) -> dict:
        subs = [member["sub"] for member in attrs["members"]]
        if len(set(subs)) != len(subs):
            raise serializers.ValidationError({"members": ["a member appears twice in the group"]})
        required = attrs["required"]
        if required is not None and required > len(attrs["members"]):
            raise serializers.ValidationError(
                {"required": [f"cannot exceed the {len(attrs['members'])} members of the group"]}
            )
        return attrs


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "minutes": {"type": "integer"},
            "hours": {"type": "integer"},
            "minimum": {"type": "object", "description": "A Duration (sequenced steps)"},
            "maximum": {"type": "object", "description": "A Duration (sequenced steps)"},
        },
    }
)
class BufferSideField(serializers.Field):
    """A buffer side: a Duration, optionally with `minimum`/`maximum` gaps (sequenced steps)."""

    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, data: Any) -> dict:
        duration = DurationField()
        result = {"duration": dt.timedelta(0), "minimum": None, "maximum": None}
        if isinstance(data, dict):
            if {"minutes", "hours"} & data.keys():
                result["duration"] = duration.run_validation(
                    {k: data[k] for k in ("minutes", "hours") if k in data}
                )
            for key in ("minimum", "maximum"):
                if data.get(key) is not None:
                    result[key] = duration.run_validation(data[key])
        elif data is not None:
            result["duration"] = duration.run_validation(data)
        minimum, maximum = result["minimum"], result["maximum"]
        if minimum is not None and maximum is not None and minimum > maximum:
            self.fail("invalid", message="the minimum gap must not exceed the maximum")
        return result

    def to_representation(self, value: dict) -> dict:
        return value


class BufferSerializer(serializers.Serializer):
    before = BufferSideField(required=False, allow_null=True)
    after = BufferSideField(required=False, allow_null=True)
