"""Input serializers of the event endpoints (upsert, deletes) and of the event/free-busy reads."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scheduling.api.fields import (
    CharField,
    ChoiceField,
    QueryBooleanField,
    TimeField,
    TimeValueField,
    TzidField,
    calendar_ids_field,
)
from scheduling.models import Event


@extend_schema_field(OpenApiTypes.STR)
class CoordinateField(serializers.Field):
    """A latitude or longitude: a number or a numeric string, kept as the string given."""

    default_error_messages = {"invalid": "must be a number between {low} and {high}"}

    def __init__(self, *, limit: float, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid", low=-self.limit, high=self.limit)
        text = str(data).strip()
        if len(text) > 32:
            self.fail("invalid", low=-self.limit, high=self.limit)
        try:
            number = float(text)
        except ValueError:
            self.fail("invalid", low=-self.limit, high=self.limit)
        if not -self.limit <= number <= self.limit:
            self.fail("invalid", low=-self.limit, high=self.limit)
        return text

    def to_representation(self, value: str) -> str:
        return value


def printable(value: str) -> None:
    if not value.isprintable():
        raise serializers.ValidationError("must contain printable characters only", code="invalid")


class LocationSerializer(serializers.Serializer):
    description = CharField(max_length=1024, required=False, allow_blank=True, allow_null=True)
    lat = CoordinateField(limit=90, required=False, allow_null=True)
    long = CoordinateField(limit=180, required=False, allow_null=True)


class EventUpsertSerializer(serializers.Serializer):
    """Fields this server understands; unknown ones (reminders, attendees, url, color, ...) are
    accepted and ignored. `status` is an extension (Cronofy has no such upsert field)."""

    event_id = CharField(max_length=255, trim_whitespace=False, validators=[printable])
    summary = CharField(max_length=1024, trim_whitespace=False)
    description = CharField(
        max_length=32768, required=False, allow_blank=True, allow_null=True, trim_whitespace=False
    )
    start = TimeValueField(allow_date=True, help_text="A Time, {time, tzid}, or a Date (all-day)")
    end = TimeValueField(allow_date=True, help_text="As start; exclusive for all-day events")
    tzid = TzidField(required=False, allow_null=True)
    location = LocationSerializer(required=False, allow_null=True)
    transparency = ChoiceField(
        choices=Event.Transparency.choices, required=False, default=Event.Transparency.OPAQUE
    )
    status = ChoiceField(
        choices=Event.Status.choices, required=False, default=Event.Status.CONFIRMED
    )

    def validate(self, attrs: dict) -> dict:
        # JSON null means "not given".
        return {key: value for key, value in attrs.items() if value is not None}


class EventDeleteSerializer(serializers.Serializer):
    event_id = CharField(max_length=255, required=False, trim_whitespace=False)
    event_uid = CharField(max_length=40, required=False)


class EventsDeleteAllSerializer(serializers.Serializer):
    """`delete_all=true`, or `calendar_ids[]` (query string, as pycronofy sends) / `calendar_ids`
    (JSON body, as the ruby client sends); exactly one of the two, as Cronofy documents."""

    delete_all = QueryBooleanField(required=False, default=False)
    calendar_ids = calendar_ids_field(required=False, allow_empty=False)

    def validate(self, attrs: dict) -> dict:
        if not attrs["delete_all"] and "calendar_ids" not in attrs:
            raise serializers.ValidationError(
                {"delete_all": "Give delete_all=true or calendar_ids[]."}, code="required"
            )
        if attrs["delete_all"] and "calendar_ids" in attrs:
            raise serializers.ValidationError(
                {"calendar_ids": "Give delete_all=true or calendar_ids[], not both."},
                code="invalid",
            )
        return attrs


class WindowQuerySerializer(serializers.Serializer):
    """Query of GET /v1/free_busy; GET /v1/events adds to it."""

    tzid = TzidField()
    calendar_ids = calendar_ids_field(
        required=False,
        allow_empty=False,
        help_text="Sent as repeated calendar_ids[] query parameters",
    )
    include_managed = QueryBooleanField(required=False, default=False)
    localized_times = QueryBooleanField(required=False, default=False)

    def get_fields(self) -> dict:
        fields = super().get_fields()
        # `from` is a Python keyword, so it cannot be declared as a class attribute.
        fields["from"] = TimeValueField(
            allow_date=True, required=False, help_text="A Date in tzid (or a Time)"
        )
        fields["to"] = TimeValueField(
            allow_date=True, required=False, help_text="A Date in tzid, exclusive (or a Time)"
        )
        return fields

    def validate(self, attrs: dict) -> dict:
        attrs = dict(attrs)
        attrs["from_"] = attrs.pop("from", None)
        return attrs


class EventsQuerySerializer(WindowQuerySerializer):
    last_modified = TimeField(required=False)
    include_deleted = QueryBooleanField(required=False, default=False)
    include_moved = QueryBooleanField(required=False, default=False)
    only_managed = QueryBooleanField(required=False, default=False)
    include_geo = QueryBooleanField(required=False, default=False, help_text="Accepted; ignored")
    include_userinfo = QueryBooleanField(
        required=False,
        default=False,
        help_text="Embed the account's userinfo (as GET /v1/userinfo) in the first page",
    )

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        attrs.pop("include_geo", None)
        return attrs
