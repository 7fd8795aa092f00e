"""Calendar endpoints: GET /v1/calendars (list) and POST /v1/calendars (create)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.api.fields import BooleanField, CharField, ChoiceField
from scheduling.api.input_schema import HEX_COLOUR, described
from scheduling.models import Calendar
from scheduling.selectors.calendars import calendars_for_account
from scheduling.services.calendars import calendar_create


def present_calendar(calendar: Calendar) -> dict:
    """The listing shape; `calendar.profile` must be loaded (select_related)."""
    profile = calendar.profile
    return {
        "provider_name": profile.provider_name,
        "profile_id": profile.profile_id,
        "profile_name": profile.profile_name,
        "calendar_id": calendar.calendar_id,
        "calendar_name": calendar.name,
        "calendar_readonly": calendar.readonly,
        "calendar_deleted": calendar.deleted,
        "calendar_primary": calendar.primary,
        # Hosted calendars offer neither integrated conferencing nor attachments.
        "calendar_integrated_conferencing_available": False,
        "calendar_attachments_available": False,
        "permission_level": "read_only" if calendar.readonly else "unrestricted",
    }


class CalendarSerializer(serializers.Serializer):
    provider_name = CharField()
    profile_id = CharField()
    profile_name = CharField()
    calendar_id = CharField()
    calendar_name = CharField()
    calendar_readonly = BooleanField()
    calendar_deleted = BooleanField()
    calendar_primary = BooleanField()
    calendar_integrated_conferencing_available = BooleanField()
    calendar_attachments_available = BooleanField()
    permission_level = ChoiceField(choices=["unrestricted", "read_only"])


class CalendarCreateSerializer(serializers.Serializer):
    profile_id = CharField(max_length=40)
    name = CharField(max_length=Calendar._meta.get_field("name").max_length)
    color = described(
        CharField(max_length=16, required=False, allow_blank=True, default=""),
        {"type": "string", "pattern": HEX_COLOUR, "description": "e.g. #49BED8"},
    )


class CalendarsView(APIView):
    required_scopes = {"GET": "list_calendars", "POST": "create_calendar"}

    @extend_schema(
        operation_id="calendars_list",
        responses=inline_serializer(
            "CalendarList",
            {"sub": CharField(), "calendars": CalendarSerializer(many=True)},
        ),
    )
    def get(self, request):
        account = request.user.account
        calendars = calendars_for_account(account=account)
        return Response({"sub": account.sub, "calendars": [present_calendar(c) for c in calendars]})

    @extend_schema(
        operation_id="calendars_create",
        request=CalendarCreateSerializer,
        responses=inline_serializer("CalendarCreated", {"calendar": CalendarSerializer()}),
    )
    def post(self, request):
        params = CalendarCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        calendar = calendar_create(account=request.user.account, **params.validated_data)
        return Response({"calendar": present_calendar(calendar)})
