"""Input and output shapes of /setup/v1 (OnSched's camelCase names).

Inputs are read with the core's strict fields (scheduling/api/fields.py: a JSON string must be a
string, an integer an integer). The resource body carries OnSched's fields; those the platform
does not act on (address, contact, customFields, groupId, locationId, serviceIds and the other
`options`) are kept as given and echoed back. The output serializers describe the presenters'
dicts (presenters.py) for the OpenAPI schema.
"""

import re
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

from calendars_sync.services.setup_resources import ResourceInput
from calendars_sync.setup_api.presenters import KEPT_FIELDS
from scheduling.api.fields import (
    BooleanField,
    CharField,
    IntegerField,
    JSONObjectField,
    ListField,
    QueryBooleanField,
    TzidField,
)
from scheduling.api.input_schema import HTTP_URL, described
from scheduling.outbound import MAX_URL_LENGTH, url_shape_problem

# Something@somewhere, as the core's resources take it (no \s: Python's and JSON Schema's differ).
EMAIL_PATTERN = r"^[^@\u0000]+@[^@\u0000]+$"
EMAIL_OR_BLANK = r"^([^@\u0000]+@[^@\u0000]+)?$"
_HTTP_URL = re.compile(HTTP_URL)
MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_BULK = 100


def http_url(value: str) -> None:
    """An absolute http(s) URL with a host: the resource is sent there after authorizing, so no
    other scheme (javascript:, data:) and no relative path gets through."""
    problem = None
    if not _HTTP_URL.fullmatch(value):
        problem = "is not an absolute http:// or https:// URL (with a host, and no spaces)"
    else:
        problem = url_shape_problem(value)
    if problem:
        raise serializers.ValidationError(problem, code="invalid")


def url_field(**kwargs: Any) -> serializers.Field:
    return described(
        CharField(
            max_length=MAX_URL_LENGTH, trim_whitespace=False, validators=[http_url], **kwargs
        ),
        {"type": "string", "maxLength": MAX_URL_LENGTH, "pattern": HTTP_URL},
    )


def email_field(*, blank: bool = False, **kwargs: Any) -> serializers.Field:
    pattern = EMAIL_OR_BLANK if blank else EMAIL_PATTERN
    field = CharField(
        max_length=254,
        allow_blank=blank,
        trim_whitespace=False,
        validators=[RegexValidator(pattern, "Enter a valid email address.")],
        **kwargs,
    )
    return described(field, {"type": "string", "maxLength": 254, "pattern": pattern})


def text(max_length: int, **kwargs: Any) -> CharField:
    return CharField(
        max_length=max_length, required=False, allow_blank=True, trim_whitespace=False, **kwargs
    )


class OptionsSerializer(serializers.Serializer):
    calendarAvailability = IntegerField(  # noqa: N815 (OnSched's names)
        min_value=0, max_value=2, required=False, help_text="0 local only, 1 Google, 2 Outlook"
    )
    googleCalendarId = email_field(blank=True, required=False)  # noqa: N815
    outlookCalendarId = email_field(blank=True, required=False)  # noqa: N815
    # Kept and echoed; the platform does not act on them.
    bookingNotification = IntegerField(min_value=0, max_value=2, required=False)  # noqa: N815
    notificationType = IntegerField(min_value=0, max_value=2, required=False)  # noqa: N815
    ignoreBusinessHours = BooleanField(required=False)  # noqa: N815
    effectiveDate = text(32)  # noqa: N815
    displayColor = text(32)  # noqa: N815
    sortKey = IntegerField(min_value=0, max_value=1_000_000, required=False)  # noqa: N815
    hourly = BooleanField(required=False)
    bioLink = text(MAX_URL_LENGTH)  # noqa: N815
    gender = text(32)


CALENDAR_OPTIONS = ("calendarAvailability", "googleCalendarId", "outlookCalendarId")


class ResourceInSerializer(serializers.Serializer):
    name = CharField(max_length=200)
    email = email_field()
    description = text(4000)
    timezoneName = TzidField(required=False, help_text="IANA time zone")  # noqa: N815
    timezoneId = TzidField(required=False, help_text="Accepted as timezoneName")  # noqa: N815
    groupId = text(64)  # noqa: N815
    locationId = text(64)  # noqa: N815
    address = JSONObjectField(required=False)
    contact = JSONObjectField(required=False)
    customFields = JSONObjectField(required=False)  # noqa: N815
    serviceIds = ListField(child=text(64), max_length=500, required=False)  # noqa: N815
    options = OptionsSerializer(required=False)


class ResourceUpdateSerializer(ResourceInSerializer):
    name = CharField(max_length=200, required=False)
    email = email_field(required=False)


class BulkItemSerializer(ResourceUpdateSerializer):
    id = CharField(max_length=64, trim_whitespace=False)


class BulkSerializer(serializers.Serializer):
    """The bulk body is a JSON array of resources, each with its id."""

    resources = ListField(child=BulkItemSerializer(), min_length=1, max_length=MAX_BULK)


class ReturnUrlSerializer(serializers.Serializer):
    """The query parameters that say where the resource returns after authorizing. The guide's
    example also spells them `googleAuthUrl`; accepted as aliases (the full name wins)."""

    googleAuthReturnUrl = url_field(required=False)  # noqa: N815
    outlookAuthReturnUrl = url_field(required=False)  # noqa: N815
    googleAuthUrl = url_field(required=False, help_text="Alias of googleAuthReturnUrl")  # noqa: N815
    outlookAuthUrl = url_field(required=False, help_text="Alias of outlookAuthReturnUrl")  # noqa: N815


class ListQuerySerializer(serializers.Serializer):
    limit = IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)
    offset = IntegerField(min_value=0, max_value=1_000_000_000, default=0)
    deleted = QueryBooleanField(default=False, help_text="List the deleted resources instead")


class CalendarAuthQuerySerializer(serializers.Serializer):
    googleAuthReturnUrl = url_field(required=False)  # noqa: N815
    outlookAuthReturnUrl = url_field(required=False)  # noqa: N815


def resource_input(body: dict, query: dict) -> ResourceInput:
    """The service's input from a validated body and return-URL query."""
    options = dict(body.get("options") or {})
    calendar = {name: options.pop(name, None) for name in CALENDAR_OPTIONS}
    return ResourceInput(
        name=body.get("name"),
        email=body.get("email"),
        description=body.get("description"),
        tzid=body.get("timezoneName") or body.get("timezoneId"),
        extra={name: body[name] for name in KEPT_FIELDS if name in body},
        options_extra=options,
        calendar_availability=calendar["calendarAvailability"],
        google_calendar_id=calendar["googleCalendarId"],
        outlook_calendar_id=calendar["outlookCalendarId"],
        google_return_url=query.get("googleAuthReturnUrl") or query.get("googleAuthUrl"),
        outlook_return_url=query.get("outlookAuthReturnUrl") or query.get("outlookAuthUrl"),
    )


class OptionsOutSerializer(serializers.Serializer):
    calendarAvailability = IntegerField()  # noqa: N815
    googleCalendarId = CharField()  # noqa: N815
    outlookCalendarId = CharField()  # noqa: N815


class ResourceOutSerializer(serializers.Serializer):
    object = CharField(help_text='"resource"')
    id = CharField(help_text="The resource's id (res_...)")
    name = CharField()
    email = CharField()
    description = CharField()
    timezoneName = CharField()  # noqa: N815
    timezoneIana = CharField()  # noqa: N815
    groupId = CharField(required=False)  # noqa: N815
    locationId = CharField(required=False)  # noqa: N815
    address = JSONObjectField(required=False)
    contact = JSONObjectField(required=False)
    customFields = JSONObjectField(required=False)  # noqa: N815
    serviceIds = ListField(child=CharField(), max_length=500, required=False)  # noqa: N815
    options = OptionsOutSerializer()
    googleCalendarAuthUrl = CharField(allow_null=True)  # noqa: N815
    googleCalendarAuthorized = BooleanField()  # noqa: N815
    outlookCalendarAuthUrl = CharField(allow_null=True)  # noqa: N815
    outlookCalendarAuthorized = BooleanField()  # noqa: N815
    deleted = BooleanField()
    createdAt = CharField()  # noqa: N815
    updatedAt = CharField()  # noqa: N815


class ResourceListSerializer(serializers.Serializer):
    object = CharField(help_text='"list"')
    url = CharField()
    hasMore = BooleanField()  # noqa: N815
    count = IntegerField()
    total = IntegerField()
    data = ResourceOutSerializer(many=True)


class CalendarAuthSerializer(serializers.Serializer):
    """OnSched's CalendarAuthViewModel, as this platform shapes it (docs/onsched.md)."""

    object = CharField(help_text='"calendarAuth"')
    resourceId = CharField()  # noqa: N815
    provider = CharField(help_text="google or outlook")
    email = CharField()
    authUrl = CharField()  # noqa: N815
    authorized = BooleanField()


class TokenRequestSerializer(serializers.Serializer):
    grant_type = CharField(max_length=64)
    client_id = text(200)
    client_secret = text(200)
    scope = text(200)


class TokenSerializer(serializers.Serializer):
    access_token = CharField()
    token_type = CharField()
    expires_in = IntegerField()
    scope = CharField()


class CalendarAuthEmailSerializer(serializers.Serializer):
    """The address in the calendar-auth path."""

    email = email_field()
