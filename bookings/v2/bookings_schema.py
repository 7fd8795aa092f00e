"""The OpenAPI description of a booking as bookings/v2/present.py writes it (schema only)."""

import re

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from bookings.engine import graphs
from bookings.v2.bookings_input import ACTION_BODY
from bookings.v2.present import INCLUDES
from bookings.v2.views import data_serializer
from scheduling.api.fields import BooleanField, CharField, ChoiceField, JSONObjectField, ListField
from scheduling.errors import ValidationFailed

MANY = 100_000


class BookingOutSerializer(serializers.Serializer):
    id = CharField(help_text="The booking's UUID")
    state = ChoiceField(choices=sorted(graphs.ALL_STATES))
    graph = ChoiceField(choices=list(graphs.GRAPHS))
    completed = BooleanField(help_text="True once the booking is in a final state")
    created_at = CharField()
    updated_at = CharField()
    attributes = JSONObjectField(
        required=False,
        help_text="include=attributes: event_info {start, end, what, where, description, "
        "calendar_id}; a class adds group_booking {max_seats, current_seats}",
    )
    event = JSONObjectField(required=False, help_text="include=event")
    calendar = JSONObjectField(required=False, allow_null=True, help_text="include=calendar")
    customers = ListField(
        child=JSONObjectField(), max_length=1, required=False, help_text="include=customers"
    )
    resource = JSONObjectField(required=False, help_text="include=resource: {id, name, timezone}")
    user = JSONObjectField(required=False, help_text="include=user: the resource")
    available_actions = ListField(child=CharField(), max_length=MANY, required=False)
    customer_action_links = JSONObjectField(
        required=False, help_text="include=customer_action_links: {action: signed URL}"
    )
    meta = JSONObjectField(required=False)
    project = JSONObjectField(required=False, allow_null=True)
    owner_booking = JSONObjectField(required=False, help_text="A seat's class")
    related_bookings = ListField(
        child=JSONObjectField(),
        max_length=MANY,
        required=False,
        help_text="A class's seats (related_bookings.customers adds their customers)",
    )


BOOKING_DATA = data_serializer("Booking", BookingOutSerializer)
BOOKINGS_DATA = data_serializer("Bookings", BookingOutSerializer, many=True)

_NAMES = "|".join(re.escape(name) for name in sorted(INCLUDES))
# The views hold `include` and `search` to these very patterns (checked_query), so the schema and
# the server agree on every string (params.py alone is more lenient: spaces, empty items).
INCLUDE_PATTERN = f"^(({_NAMES})(,({_NAMES}))*)?$"
INCLUDE = OpenApiParameter(
    "include",
    {"type": "string", "pattern": INCLUDE_PATTERN},
    description=f"Comma-separated relations to embed: {', '.join(sorted(INCLUDES))}",
)
TIMEZONE = OpenApiParameter(
    "Timekit-Timezone",
    # The enum every time zone field shares (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
    {"$ref": "#/components/schemas/TzidEnum"},
    location=OpenApiParameter.HEADER,
    description="The IANA zone the times of the answer are written in (default UTC)",
)
# What each search field takes; an id or email that matches nothing finds nothing.
SEARCH_VALUES = {
    "graph": "|".join(graphs.GRAPHS),
    "state": "|".join(sorted(graphs.ALL_STATES)),
    "project.id": "[^;\\u0000]+",
    "resource.id": "[^;\\u0000]+",
    "customer.email": "[^;\\u0000]+",
}


def search_pattern(fields: list[str]) -> str:
    one = "|".join(f"{re.escape(field)}:({SEARCH_VALUES[field]})" for field in fields)
    return f"^(({one})(;({one}))*)?$"


def search(fields: list[str]) -> OpenApiParameter:
    return OpenApiParameter(
        "search",
        {"type": "string", "pattern": search_pattern(fields)},
        description=f"field:value filters separated by ';', fields: {', '.join(fields)}",
    )


class ActionBodySerializer(serializers.Serializer):
    """The body of an action (schema only; bookings_input.action_message reads it): its keys are
    action names, which no serializer field can say."""


class ActionBodyScheme(OpenApiSerializerExtension):
    target_class = "bookings.v2.bookings_schema.ActionBodySerializer"

    def map_serializer(self, auto_schema, direction):
        return ACTION_BODY


def checked_query(params: dict, name: str, pattern: str) -> str | None:
    """The query parameter `name` if it matches the schema's `pattern`; a 422 on it otherwise."""
    value = params.get(name)
    if value is not None and not (isinstance(value, str) and re.fullmatch(pattern, value)):
        raise ValidationFailed.one(name, "invalid", f"Must match {pattern}.")
    return value
