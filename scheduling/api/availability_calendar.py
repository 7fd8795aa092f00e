"""/v1/availability_calendar: an extension beyond Cronofy (docs/api-notes.md, "Extensions").

Seed 000's "sub calendar" recipe, built in: the account names one of its own calendars whose
events become its available periods, kept in step by the core
(scheduling/services/availability_calendars.py).

- `GET` (scope read_account): {"availability_calendar": {"calendar_id": "cal_..." | null}}.
- `PUT` (scope create_event, the scope that writes available periods) with {"calendar_id":
  "cal_..." | null}: sets or clears it, answering as GET. A missing, deleted or another account's
  calendar is a 422 on `calendar_id` (never told apart), and nothing changes.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.api.fields import CharField
from scheduling.models import Account, Calendar
from scheduling.services.availability_calendars import availability_calendar_set

CALENDAR_ID_LENGTH = Calendar._meta.get_field("calendar_id").max_length


class AvailabilityCalendarSerializer(serializers.Serializer):
    calendar_id = CharField(
        allow_null=True,
        max_length=CALENDAR_ID_LENGTH,
        help_text="One of the account's calendars, or null for none.",
    )


class AvailabilityCalendarEnvelopeSerializer(serializers.Serializer):
    availability_calendar = AvailabilityCalendarSerializer()


def _present(account: Account) -> dict:
    calendar = account.availability_calendar
    return {"availability_calendar": {"calendar_id": calendar.calendar_id if calendar else None}}


class AvailabilityCalendarView(APIView):
    required_scopes = {"GET": "read_account", "PUT": "create_event"}

    @extend_schema(
        operation_id="availability_calendar_read",
        responses={200: AvailabilityCalendarEnvelopeSerializer},
    )
    def get(self, request):
        return Response(_present(request.user.account))

    @extend_schema(
        operation_id="availability_calendar_set",
        request=AvailabilityCalendarSerializer,
        responses={200: AvailabilityCalendarEnvelopeSerializer},
    )
    def put(self, request):
        body = AvailabilityCalendarSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        account = request.user.account
        availability_calendar_set(account=account, calendar_id=body.validated_data["calendar_id"])
        return Response(_present(account))
