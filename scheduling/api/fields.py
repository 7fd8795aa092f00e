"""DRF fields for the API's value types; their errors carry codes the error handler maps."""

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scheduling.timeformat import (
    TimeFormatError,
    TimeValue,
    format_time,
    parse_duration,
    parse_time,
    parse_time_value,
)
from scheduling.timezones import is_valid_tzid


def optional_text(max_length: int) -> serializers.CharField:
    """An optional string kept exactly as sent (OAuth parameters, credentials); "" when absent."""
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length, trim_whitespace=False
    )


@extend_schema_field(OpenApiTypes.STR)
class TimeField(serializers.Field):
    """A UTC Time (any offset accepted on input); output `YYYY-MM-DDTHH:MM:SSZ`."""

    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, data: Any) -> dt.datetime:
        try:
            return parse_time(data)
        except TimeFormatError as exc:
            self.fail("invalid", message=str(exc))

    def to_representation(self, value: dt.datetime) -> str:
        return format_time(value)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "A Time (or, where allowed, a Date)"},
            {
                "type": "object",
                "properties": {"time": {"type": "string"}, "tzid": {"type": "string"}},
                "required": ["time"],
            },
        ]
    }
)
class TimeValueField(serializers.Field):
    """A Time, the object form {"time", "tzid"}, and (with allow_date) a Date."""

    default_error_messages = {"invalid": "{message}"}

    def __init__(self, *, allow_date: bool = False, **kwargs: Any) -> None:
        self.allow_date = allow_date
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> TimeValue:
        try:
            return parse_time_value(data, allow_date=self.allow_date)
        except TimeFormatError as exc:
            self.fail("invalid", message=str(exc))

    def to_representation(self, value: TimeValue) -> str:
        if value.is_date:
            return value.value.isoformat()
        return format_time(value.value)


class TzidField(serializers.CharField):
    default_error_messages = {"invalid": "{value!r} is not a known IANA time zone"}

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not is_valid_tzid(value):
            self.fail("invalid", value=value)
        return value


_DURATION_SCHEMA = {
    "oneOf": [
        {"type": "integer", "description": "A number of minutes"},
        {
            "type": "object",
            "properties": {"minutes": {"type": "integer"}, "hours": {"type": "integer"}},
        },
    ]
}


@extend_schema_field(_DURATION_SCHEMA)
class DurationField(serializers.Field):
    """{"minutes": n} / {"hours": n}, or a bare number of minutes."""

    default_error_messages = {"invalid": "{message}"}

    def __init__(self, *, allow_zero: bool = True, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dt.timedelta:
        try:
            value = parse_duration(data)
        except TimeFormatError as exc:
            self.fail("invalid", message=str(exc))
        if not self.allow_zero and not value:
            self.fail("invalid", message="must be longer than zero")
        return value

    def to_representation(self, value: dt.timedelta) -> dict[str, int]:
        return {"minutes": int(value.total_seconds() // 60)}


class QueryBooleanField(serializers.BooleanField):
    """pycronofy stringifies booleans (`True`/`False`); DRF's BooleanField already accepts those
    along with true/false/1/0. Kept as a named type so query serializers read clearly."""
