"""Input and output shapes of /setup/v1 (OnSched's camelCase names).

Inputs are read with the core's strict fields (scheduling/api/fields.py: a JSON string must be a
string, an integer an integer). The resource body carries OnSched's fields; those the platform
does not act on (address, contact, customFields, groupId, locationId, serviceIds and the other
`options`) are kept as given and echoed back. The output serializers describe the presenters'
dicts (presenters.py) for the OpenAPI schema.
"""

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
from scheduling.api.input_schema import described, http_url_field
from scheduling.outbound import MAX_URL_LENGTH

# Something@somewhere, as the core's resources take it (no \s: Python's and JSON Schema's differ).
EMAIL_PATTERN = r"^[^@\u0000]+@[^@\u0000]+$"
EMAIL_OR_BLANK = r"^([^@\u0000]+@[^@\u0000]+)?$"
MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_BULK = 100


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


class OnSchedOptionsSerializer(serializers.Serializer):
    calendarAvailability = IntegerField(
        min_value=0, max_value=2, required=False, help_text="0 local only, 1 Google, 2 Outlook"
    )
    googleCalendarId = email_field(blank=True, required=False)
    outlookCalendarId = email_field(blank=True, required=False)
    # Kept and echoed; the platform does not act on them.
    bookingNotification = IntegerField(min_value=0, max_value=2, required=False)
    notificationType = IntegerField(min_value=0, max_value=2, required=False)
    ignoreBusinessHours = BooleanField(required=False)
    effectiveDate = text(32)
    displayColor = text(32)
    sortKey = IntegerField(min_value=0, max_value=1_000_000, required=False)
    hourly = BooleanField(required=False)
    bioLink = text(MAX_URL_LENGTH)
    gender = text(32)


CALENDAR_OPTIONS = ("calendarAvailability", "googleCalendarId", "outlookCalendarId")


class OnSchedResourceInSerializer(serializers.Serializer):
    name = CharField(max_length=200)
    email = email_field()
    description = text(4000)
    timezoneName = TzidField(required=False, help_text="IANA time zone")
    timezoneId = TzidField(required=False, help_text="Accepted as timezoneName")
    groupId = text(64)
    locationId = text(64)
    address = JSONObjectField(required=False)
    contact = JSONObjectField(required=False)
    customFields = JSONObjectField(required=False)
    serviceIds = ListField(child=text(64), max_length=500, required=False)
    options = OnSchedOptionsSerializer(required=False)


class OnSchedResourceUpdateSerializer(OnSchedResourceInSerializer):
    name = CharField(max_length=200, required=False)
    email = email_field(required=False)


class OnSchedBulkItemSerializer(OnSchedResourceUpdateSerializer):
    id = CharField(max_length=64, trim_whitespace=False)


class OnSchedReturnUrlSerializer(serializers.Serializer):
    """The query parameters that say where the resource returns after authorizing. The guide's
    example also spells them `googleAuthUrl`; accepted as aliases (the full name wins)."""

    googleAuthReturnUrl = http_url_field(required=False)
    outlookAuthReturnUrl = http_url_field(required=False)
    googleAuthUrl = http_url_field(required=False, help_text="Alias of googleAuthReturnUrl")
    outlookAuthUrl = http_url_field(required=False, help_text="Alias of outlookAuthReturnUrl")


class OnSchedListQuerySerializer(serializers.Serializer):
    limit = IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)
    offset = IntegerField(min_value=0, max_value=1_000_000_000, default=0)
    deleted = QueryBooleanField(default=False, help_text="List the deleted resources instead")


class OnSchedCalendarAuthQuerySerializer(serializers.Serializer):
    googleAuthReturnUrl = http_url_field(required=False)
    outlookAuthReturnUrl = http_url_field(required=False)


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


class OnSchedOptionsOutSerializer(serializers.Serializer):
    calendarAvailability = IntegerField()
    googleCalendarId = CharField()
    outlookCalendarId = CharField()


class OnSchedResourceOutSerializer(serializers.Serializer):
    object = CharField(help_text='"resource"')
    id = CharField(help_text="The resource's id (res_...)")
    name = CharField()
    email = CharField()
    description = CharField()
    timezoneName = CharField()
    timezoneIana = CharField()
    groupId = CharField(required=False)
    locationId = CharField(required=False)
    address = JSONObjectField(required=False)
    contact = JSONObjectField(required=False)
    customFields = JSONObjectField(required=False)
    serviceIds = ListField(child=CharField(), max_length=500, required=False)
    options = OnSchedOptionsOutSerializer()
    googleCalendarAuthUrl = CharField(allow_null=True)
    googleCalendarAuthorized = BooleanField()
    outlookCalendarAuthUrl = CharField(allow_null=True)
    outlookCalendarAuthorized = BooleanField()
    deleted = BooleanField()
    createdAt = CharField()
    updatedAt = CharField()


class OnSchedResourceListSerializer(serializers.Serializer):
    object = CharField(help_text='"list"')
    url = CharField()
    hasMore = BooleanField()
    count = IntegerField()
    total = IntegerField()
    data = OnSchedResourceOutSerializer(many=True)


class OnSchedCalendarAuthSerializer(serializers.Serializer):
    """OnSched's CalendarAuthViewModel, as this platform shapes it (docs/onsched.md)."""

    object = CharField(help_text='"calendarAuth"')
    resourceId = CharField()
    provider = CharField(help_text="google or outlook")
    email = CharField()
    authUrl = CharField()
    authorized = BooleanField()


class OnSchedTokenRequestSerializer(serializers.Serializer):
    grant_type = CharField(max_length=64)
    client_id = text(200)
    client_secret = text(200)
    scope = text(200)


class OnSchedTokenSerializer(serializers.Serializer):
    access_token = CharField()
    token_type = CharField()
    expires_in = IntegerField()
    scope = CharField()


class OnSchedCalendarAuthEmailSerializer(serializers.Serializer):
    """The address in the calendar-auth path."""

    email = email_field()
