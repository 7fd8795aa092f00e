"""DRF fields for the API's value types; their errors carry codes the error handler maps.

The primitive fields here (CharField, BooleanField, IntegerField, ChoiceField, ListField,
JSONObjectField) replace DRF's own in every API serializer (tests/scheduling/api/test_fields.py
holds the modules to that), for two reasons:

- Types are not coerced. DRF's CharField turns 0 into "0", its BooleanField takes "yes" and 1, its
  IntegerField "5" and 5.0; in a JSON body a string must be a JSON string, an integer a JSON
  integer (not a bool or a float) and a boolean a JSON boolean. Query parameters are text by
  nature: a value read from the query string (a QueryText, see api/params.py) is still parsed, so
  pycronofy's `True`/`False` keep working.
- Cost is bounded by the limits, not by the input: ListField checks its length before it validates
  any item (DRF's validates every item first), and no error message repeats a non-string input.
"""

import datetime as dt
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from scheduling.api.params import QueryText
from scheduling.api.storable import UNSTORABLE, is_storable
from scheduling.timeformat import (
    TimeFormatError,
    TimeValue,
    format_time,
    parse_duration,
    parse_time,
    parse_time_value,
)
from scheduling.timezones import is_valid_tzid


def _not_a_string() -> serializers.ValidationError:
    return serializers.ValidationError("Not a valid string.", code="invalid")


class CharField(serializers.CharField):
    """A JSON string; any other JSON type is refused (DRF would stringify numbers and booleans).

    The length is checked first, and NULs and surrogates in C (DRF's own check walks the string
    character by character in Python: 20 ms for a megabyte)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        slow = (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)
        self.validators = [v for v in self.validators if not isinstance(v, slow)]

    def run_validation(self, data: Any = empty) -> Any:
        if data is not empty and data is not None:
            if not isinstance(data, str):
                raise _not_a_string()
            text = data.strip() if self.trim_whitespace else data
            if self.max_length is not None and len(text) > self.max_length:
                self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not is_storable(value):
            raise serializers.ValidationError(UNSTORABLE, code="invalid")
        return value


class ChoiceField(serializers.ChoiceField):
    """One of the string choices, given as a JSON string; the error lists the choices rather
    than repeating the input."""

    def to_internal_value(self, data: Any) -> Any:
        if data == "" and self.allow_blank:
            return ""
        if not isinstance(data, str) or data not in self.choice_strings_to_values:
            choices = ", ".join(self.choice_strings_to_values)
            raise serializers.ValidationError(f"must be one of: {choices}", code="invalid")
        return self.choice_strings_to_values[data]


class BooleanField(serializers.BooleanField):
    """A JSON boolean; from the query string, also the words DRF knows (`True`, `false`, `1`)."""

    def to_internal_value(self, data: Any) -> bool | None:
        if isinstance(data, QueryText):
            return super().to_internal_value(data)
        if not isinstance(data, bool):
            raise serializers.ValidationError("Must be a JSON boolean.", code="invalid")
        return data


class IntegerField(serializers.IntegerField):
    """A JSON integer (not a bool, a float or a string); from the query string, its digits."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, QueryText):
            return super().to_internal_value(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return data


class ListField(serializers.ListField):
    """A JSON array whose length is checked before any item is validated, so that an oversized
    list costs as little as a short one. `max_length` is required: every list has a bound."""

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def to_internal_value(self, data: Any) -> list:
        if isinstance(data, list):
            if len(data) > self.max_length:
                self.fail("max_length", max_length=self.max_length)
            if self.min_length is not None and len(data) < self.min_length:
                self.fail("min_length", min_length=self.min_length)
        return super().to_internal_value(data)


MAX_ID_LENGTH = 64
# Calendar ids in one list of any request (filters, members, rules, deletes).
MAX_CALENDAR_IDS = 100


class IdListField(ListField):
    """A list of ids: strings of 1 to MAX_ID_LENGTH characters, kept exactly as given.

    Valid lists are checked in one loop instead of one field run per item (a hundred members
    with a hundred calendar ids each would otherwise cost 30 ms); a list with a bad item is
    validated item by item, so that each error is worded and placed as usual."""

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        child = CharField(max_length=MAX_ID_LENGTH, trim_whitespace=False)
        super().__init__(child=child, max_length=max_length, **kwargs)

    def run_child_validation(self, data: list) -> list:
        if all(
            isinstance(item, str) and 0 < len(item) <= MAX_ID_LENGTH and is_storable(item)
            for item in data
        ):
            return [str(item) for item in data]
        return super().run_child_validation(data)


def calendar_ids_field(**kwargs: Any) -> IdListField:
    """A list of calendar ids, as every endpoint that filters by calendars takes it."""
    return IdListField(max_length=MAX_CALENDAR_IDS, **kwargs)


@extend_schema_field({"type": "object", "additionalProperties": {}})
class JSONObjectField(serializers.Field):
    """Any JSON object, kept as given and not looked into (DRF's DictField validates each key)."""

    default_error_messages = {"invalid": "Must be a JSON object."}

    def to_internal_value(self, data: Any) -> dict:
        if not isinstance(data, dict):
            self.fail("invalid")
        return data

    def to_representation(self, value: dict) -> dict:
        return value


def optional_text(max_length: int) -> CharField:
    """An optional string kept exactly as sent (OAuth parameters, credentials); "" when absent."""
    return CharField(
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


class TzidField(CharField):
    """An IANA time zone name (a JSON string)."""

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not is_valid_tzid(value):
            raise serializers.ValidationError(
                f"{value[:64]!r} is not a known IANA time zone", code="invalid"
            )
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


class QueryBooleanField(BooleanField):
    """A flag most often sent in the query string, where pycronofy stringifies booleans
    (`True`/`False`); BooleanField takes those there and a JSON boolean in a body. Kept as a named
    type so query serializers read clearly."""
