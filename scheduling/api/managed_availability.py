"""Managed availability: /v1/available_periods and /v1/availability_rules.

Scopes: SCOPES below, for every view here (our choice: the reference documents none).

Choices where the reference is silent or unverified:
- GET /v1/available_periods without `from`/`to`: from = 42 days before today, to = 201 days after
  today, as dates in `tzid` (the window Cronofy documents for its other reads).
- `localized_times=true`: start/end become {"time": <UTC Time>, "tzid": <the query's tzid>};
  a period stores no zone of its own.
- DELETE /v1/available_periods takes exactly one of {"available_period_id"} or
  {"delete_all": true}, in the JSON body or the query; an unknown id is a 202 (no-op).
- DELETE /v1/availability_rules/{id} of an unknown id is a 404: the rule is a path resource.

Availability rules also take an element token (`?et=`, the `managed_availability` permission):
Cronofy's AvailabilityRules Element reads and saves its rule for the token's first sub.
"""

import datetime as dt

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.api.element_access import MANAGED_AVAILABILITY, AccountOrElementToken
from scheduling.api.fields import (
    CharField,
    IntegerField,
    ListField,
    QueryBooleanField,
    TimeValueField,
    TzidField,
    calendar_ids_field,
)
from scheduling.api.input_schema import CLOCK_TIME, CLOCK_TIME_OR_END, described
from scheduling.api.pagination import decode_page_token, paginated_body
from scheduling.api.params import query_params, request_params
from scheduling.engine.model import WEEKDAYS
from scheduling.models import AvailabilityRule, AvailablePeriod
from scheduling.selectors.access import access_availability_rule
from scheduling.selectors.availability import (
    availability_rules_of,
    available_periods_overlapping,
)
from scheduling.selectors.windows import DEFAULT_DAYS_AHEAD, DEFAULT_DAYS_BACK, window_resolve
from scheduling.services.availability import (
    MAX_WEEKLY_PERIODS,
    WeeklyPeriod,
    availability_rule_delete,
    availability_rule_upsert,
    available_period_delete,
    available_period_upsert,
    available_periods_delete_all,
    weekly_period_problems,
)
from scheduling.services.checks import client_id_problem
from scheduling.timeformat import format_time, parse_time
from scheduling.timezones import UTC_TZID

SCOPES = {"GET": "read_account", "POST": "create_event", "DELETE": "delete_event"}


class ClientIdField(serializers.CharField):
    """An integrator-chosen id: 1 to 64 printable ASCII characters, kept exactly as sent."""

    def __init__(self, **kwargs) -> None:
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        problem = client_id_problem(value)
        if problem:
            code, description = problem
            raise serializers.ValidationError(description, code=code)
        return value


# --- available periods -------------------------------------------------------------------------


class AvailablePeriodUpsertSerializer(serializers.Serializer):
    available_period_id = ClientIdField()
    start = TimeValueField()
    end = TimeValueField()

    def validate(self, attrs: dict) -> dict:
        if attrs["end"].value <= attrs["start"].value:
            raise serializers.ValidationError({"end": "must be after start"})
        return attrs


class AvailablePeriodsQuerySerializer(serializers.Serializer):
    """from/to: Dates in `tzid` (to exclusive) or Times; window_resolve makes the UTC window."""

    tzid = TzidField(default=UTC_TZID)
    localized_times = QueryBooleanField(default=False)

    def get_fields(self) -> dict:
        fields = super().get_fields()
        # `from` is a Python keyword, so it cannot be declared as a class attribute.
        fields["from"] = TimeValueField(allow_date=True, required=False)
        fields["to"] = TimeValueField(allow_date=True, required=False)
        return fields


class AvailablePeriodOutSerializer(serializers.Serializer):
    available_period_id = CharField()
    start = TimeValueField(help_text="A Time, or {time, tzid} with localized_times")
    end = TimeValueField(help_text="A Time, or {time, tzid} with localized_times")


class PagesSerializer(serializers.Serializer):
    current = IntegerField()
    total = IntegerField()
    next_page = serializers.URLField(required=False)


class AvailablePeriodsPageSerializer(serializers.Serializer):
    pages = PagesSerializer()
    available_periods = AvailablePeriodOutSerializer(many=True)


class AvailablePeriodsDeleteSerializer(serializers.Serializer):
    available_period_id = ClientIdField(required=False)
    delete_all = QueryBooleanField(required=False, default=False)

    def validate(self, attrs: dict) -> dict:
        if attrs["delete_all"] == ("available_period_id" in attrs):
            raise serializers.ValidationError(
                'Give either "available_period_id" or "delete_all": true (not both).',
                code="required",
            )
        return attrs


def _present_period(period: AvailablePeriod, *, tzid: str, localized: bool) -> dict:
    def show(value: dt.datetime) -> str | dict:
        return {"time": format_time(value), "tzid": tzid} if localized else format_time(value)

    return {
        "available_period_id": period.available_period_id,
        "start": show(period.start),
        "end": show(period.end),
    }


def _periods_page(request, params: dict, page: int) -> dict:
    account = request.user.account
    tzid, localized = params["tzid"], params["localized_times"]
    return paginated_body(
        request,
        queryset=available_periods_overlapping(
            account=account, start=parse_time(params["from"]), end=parse_time(params["to"])
        ),
        key="available_periods",
        kind="available_periods",
        account_id=account.pk,
        params=params,
        page=page,
        present=lambda period: _present_period(period, tzid=tzid, localized=localized),
    )


class AvailablePeriodsView(APIView):
    required_scopes = SCOPES

    @extend_schema(
        parameters=[AvailablePeriodsQuerySerializer],
        description=(
            "Periods overlapping [from, to). Dates are days in tzid, to exclusive. Without from/to:"
            f" {DEFAULT_DAYS_BACK} days before today to {DEFAULT_DAYS_AHEAD} days after it."
        ),
        responses={200: AvailablePeriodsPageSerializer},
    )
    def get(self, request):
        query = AvailablePeriodsQuerySerializer(data=query_params(request.query_params))
        query.is_valid(raise_exception=True)
        data = query.validated_data
        start, end = window_resolve(tzid=data["tzid"], from_=data.get("from"), to=data.get("to"))
        params = {
            "from": format_time(start),
            "to": format_time(end),
            "tzid": data["tzid"],
            "localized_times": data["localized_times"],
        }
        return Response(_periods_page(request, params, 1))

    @extend_schema(
        request=AvailablePeriodUpsertSerializer,
        responses={202: OpenApiResponse(description="Accepted; no body")},
    )
    def post(self, request):
        body = AvailablePeriodUpsertSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        available_period_upsert(
            account=request.user.account,
            available_period_id=data["available_period_id"],
            start=data["start"].value,
            end=data["end"].value,
        )
        return Response(status=202)

    @extend_schema(
        request=AvailablePeriodsDeleteSerializer,
        description='JSON body (or query): {"available_period_id": ...} or {"delete_all": true}.',
        responses={202: OpenApiResponse(description="Accepted; no body")},
    )
    def delete(self, request):
        body = AvailablePeriodsDeleteSerializer(data=request_params(request))
        body.is_valid(raise_exception=True)
        account = request.user.account
        if body.validated_data["delete_all"]:
            available_periods_delete_all(account=account)
        else:
            available_period_delete(
                account=account, available_period_id=body.validated_data["available_period_id"]
            )
        return Response(status=202)


class AvailablePeriodsPagesView(APIView):
    required_scopes = SCOPES

    @extend_schema(responses={200: AvailablePeriodsPageSerializer})
    def get(self, request, token: str):
        params, page = decode_page_token(
            token, kind="available_periods", account_id=request.user.account.pk
        )
        return Response(_periods_page(request, params, page))


# --- availability rules ------------------------------------------------------------------------


class WeeklyPeriodSerializer(serializers.Serializer):
    day = described(CharField(), {"type": "string", "enum": list(WEEKDAYS)})
    start_time = described(
        CharField(),
        {"type": "string", "pattern": CLOCK_TIME, "description": '"HH:MM" in the rule\'s tzid'},
    )
    end_time = described(
        CharField(),
        {
            "type": "string",
            "pattern": CLOCK_TIME_OR_END,
            "description": '"HH:MM" (or "24:00"), after start_time',
        },
    )

    def validate(self, attrs: dict) -> WeeklyPeriod:
        period = WeeklyPeriod(**attrs)
        problems = weekly_period_problems(period)
        if problems:
            raise serializers.ValidationError(problems)
        return period


class AvailabilityRuleSerializer(serializers.Serializer):
    availability_rule_id = ClientIdField()
    tzid = TzidField()
    calendar_ids = calendar_ids_field(required=False, default=list)
    weekly_periods = ListField(
        child=WeeklyPeriodSerializer(), allow_empty=False, max_length=MAX_WEEKLY_PERIODS
    )


class AvailabilityRuleEnvelopeSerializer(serializers.Serializer):
    availability_rule = AvailabilityRuleSerializer()


class AvailabilityRulesEnvelopeSerializer(serializers.Serializer):
    availability_rules = AvailabilityRuleSerializer(many=True)


def _present_rule(rule: AvailabilityRule) -> dict:
    return {
        "availability_rule_id": rule.availability_rule_id,
        "tzid": rule.tzid,
        "calendar_ids": list(rule.calendar_ids),
        "weekly_periods": list(rule.weekly_periods),
    }


class AvailabilityRulesView(AccountOrElementToken, APIView):
    required_scopes = SCOPES
    element_permissions = {"GET": MANAGED_AVAILABILITY, "POST": MANAGED_AVAILABILITY}

    @extend_schema(
        operation_id="v1_availability_rules_list",
        responses={200: AvailabilityRulesEnvelopeSerializer},
    )
    def get(self, request):
        rules = availability_rules_of(account=request.user.account)
        return Response({"availability_rules": [_present_rule(rule) for rule in rules]})

    @extend_schema(
        request=AvailabilityRuleSerializer, responses={200: AvailabilityRuleEnvelopeSerializer}
    )
    def post(self, request):
        body = AvailabilityRuleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rule = availability_rule_upsert(account=request.user.account, **body.validated_data)
        return Response({"availability_rule": _present_rule(rule)})


class AvailabilityRuleView(AccountOrElementToken, APIView):
    required_scopes = SCOPES
    element_permissions = {"GET": MANAGED_AVAILABILITY, "DELETE": MANAGED_AVAILABILITY}

    @extend_schema(
        operation_id="v1_availability_rule_retrieve",
        responses={200: AvailabilityRuleEnvelopeSerializer},
    )
    def get(self, request, availability_rule_id: str):
        rule = access_availability_rule(
            account=request.user.account, availability_rule_id=availability_rule_id
        )
        return Response({"availability_rule": _present_rule(rule)})

    @extend_schema(responses={202: OpenApiResponse(description="Accepted; no body")})
    def delete(self, request, availability_rule_id: str):
        availability_rule_delete(
            account=request.user.account, availability_rule_id=availability_rule_id
        )
        return Response(status=202)
