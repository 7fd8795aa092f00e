"""What the OpenAPI schema says about input fields, so that it describes exactly what the API
accepts: a schema-driven client (or fuzzer) that sends what the schema allows is not refused for
the shape of a value. Rules that need other fields or stored data to check (end after start, an
existing calendar id) cannot be said here; config/schemathesis.toml names them per operation.

- Text: no NUL (PostgreSQL cannot store it; scheduling/api/storable.py), and, where blank is
  refused, some non-space character (DRF strips surrounding whitespace).
- Times: RFC 3339 date-times with an upper-case `T` and an offset, in the years MIN_YEAR to
  MAX_YEAR (scheduling/timeformat.py); Dates likewise.
- Time zones: the IANA names this server knows, as an enum.
- Durations: a whole number of minutes, or {"minutes", "hours"}, at most a leap year in all.
"""

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scheduling.api import fields
from scheduling.outbound import MAX_URL_LENGTH, url_shape_problem
from scheduling.timeformat import MAX_DURATION, MAX_YEAR, MIN_YEAR
from scheduling.timezones import known_tzids

# No U+0000. Unpaired surrogates (JSON's "\\ud800" alone), refused too, cannot be written in a
# pattern that every validator compiles (Rust's regex engines have no surrogates); they are not
# valid in UTF-8 text, which is what the schema's strings are, and I-JSON (RFC 7493) forbids them.
STORABLE = "^[^\\u0000]*$"
NOT_BLANK = "^(?=[\\s\\S]*\\S)[^\\u0000]*$"
# The years MIN_YEAR (1900) to MAX_YEAR (9000); tests/scheduling/api/test_input_schema.py holds
# the two together.
YEARS = "(19\\d\\d|[2-8]\\d{3}|9000)"
TIME = {
    "type": "string",
    "format": "date-time",
    "pattern": f"^{YEARS}-\\d\\d-\\d\\dT\\d\\d:[0-5]\\d:[0-5]\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)$",
    "description": f"A Time: ISO 8601 with an offset (e.g. 2024-07-27T09:00:00Z), years "
    f"{MIN_YEAR} to {MAX_YEAR}",
}
DATE = {
    "type": "string",
    "format": "date",
    "pattern": f"^{YEARS}-\\d\\d-\\d\\d$",
    "description": f"A Date (e.g. 2024-07-27), years {MIN_YEAR} to {MAX_YEAR}",
}
CLOCK_TIME = "^([01]\\d|2[0-3]):[0-5]\\d$"
CLOCK_TIME_OR_END = "^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$"
HEX_COLOUR = "^#[0-9A-Fa-f]{6}$"  # blank is allowed besides (allow_blank)
HTTP_URL = "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s\\u0000]+([/?#][^\\s\\u0000]*)?$"
# How responses show an event's start or end: a Time, a Date (all-day), or with localized_times
# the object {time, tzid}, whose time is a Time or a Date.
MOMENT_OUT = {
    "oneOf": [
        {"type": "string", "description": "A Time, or a Date for an all-day event"},
        {
            "type": "object",
            "properties": {"time": {"type": "string"}, "tzid": {"type": "string"}},
            "required": ["time", "tzid"],
        },
    ]
}
_MAX_MINUTES = int(MAX_DURATION.total_seconds() // 60)


# Every field taking a time zone shares one enum, TzidEnum, whatever the field is called
# (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]): /v1 says `tzid`, /v2 `timezone`.
TZIDS = sorted(known_tzids())


def tzid_schema() -> dict[str, Any]:
    return {"type": "string", "enum": TZIDS, "description": "An IANA time zone"}


def duration_schema(*, allow_zero: bool) -> dict[str, Any]:
    """Minutes, or {"minutes": m, "hours": h}; each half of the object form is bounded by half
    the maximum, so that their sum is within it too."""
    least = 0 if allow_zero else 1
    parts = {
        "minutes": {"type": "integer", "minimum": 0, "maximum": _MAX_MINUTES // 2},
        "hours": {"type": "integer", "minimum": 0, "maximum": _MAX_MINUTES // 120},
    }
    as_object: dict[str, Any] = {
        "type": "object",
        "properties": parts,
        "minProperties": 1,
        "additionalProperties": False,
    }
    if not allow_zero:
        as_object["anyOf"] = [
            {"properties": {name: {"minimum": 1}}, "required": [name]} for name in parts
        ]
    return {
        "oneOf": [
            {"type": "integer", "minimum": least, "maximum": _MAX_MINUTES},
            as_object,
        ],
        "description": 'A Duration: a number of minutes, or {"minutes": n} / {"hours": n}',
    }


def time_value_schema(*, allow_date: bool) -> dict[str, Any]:
    as_object = {
        "type": "object",
        "properties": {"time": TIME, "tzid": {"anyOf": [tzid_schema(), {"type": "null"}]}},
        "required": ["time"],
    }
    return {"oneOf": [TIME, as_object, *([DATE] if allow_date else [])]}


def described(field: serializers.Field, schema: dict[str, Any]) -> serializers.Field:
    """`field`, documented with `schema`: for a value rule the field checks itself, such as a
    pattern. DRF rebuilds declared fields from their class and arguments for every serializer
    instance, so the schema goes on a subclass made for it, not on the instance."""
    base = type(field)
    documented = extend_schema_field(schema)(type(f"Described{base.__name__}", (base,), {}))
    return documented(*field._args, **field._kwargs)


_HTTP_URL = re.compile(HTTP_URL)


def http_url(value: str) -> None:
    """An absolute http(s) URL as HTTP_URL says, with a host and a valid port, at most
    MAX_URL_LENGTH long: people are sent and callbacks posted there, so no other scheme
    (javascript:, data:) and no relative path gets through."""
    if not _HTTP_URL.fullmatch(value):
        problem = "is not an http:// or https:// URL (with a host, and no spaces)"
    else:
        problem = url_shape_problem(value)
    if problem:
        raise serializers.ValidationError(problem, code="invalid")


def http_url_field(**kwargs: Any) -> serializers.Field:
    """A text field that takes only what `http_url` does, and whose schema says so."""
    return described(
        fields.CharField(
            max_length=MAX_URL_LENGTH, trim_whitespace=False, validators=[http_url], **kwargs
        ),
        {"type": "string", "maxLength": MAX_URL_LENGTH, "pattern": HTTP_URL},
    )


def period_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"start": TIME, "end": TIME},
        "required": ["start", "end"],
    }


def refine(field: serializers.Field, schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of an input field, made as strict as the field is."""
    if isinstance(field, fields.TimeField):
        return dict(TIME)
    if isinstance(field, fields.TimeValueField):
        return time_value_schema(allow_date=field.allow_date)
    if isinstance(field, fields.TzidField):
        return tzid_schema()
    if isinstance(field, fields.DurationField):
        return duration_schema(allow_zero=field.allow_zero)
    if isinstance(field, serializers.CharField) and schema.get("type") == "string":
        if "enum" not in schema and "format" not in schema and "pattern" not in schema:
            schema = {**schema, "pattern": STORABLE if field.allow_blank else NOT_BLANK}
        if not field.allow_blank:
            schema.setdefault("minLength", 1)
    return schema
