"""The real-time scheduling API (pycronofy's real_time_scheduling, real_time_sequencing,
get_real_time_scheduling_status, disable_real_time_scheduling_link):

- POST /v1/real_time_scheduling, POST /v1/real_time_sequencing: make a link;
- GET  /v1/real_time_scheduling/{id}, GET /v1/real_time_scheduling?token=...: its status;
- POST /v1/real_time_scheduling/{id}/disable: switch it off.

Making a link takes the application's API key as a Bearer token (pycronofy), or client_id and
client_secret in the body (seed 002); the reads and the disable take the API key. An account's
access token is not an API key (401). Each application sees only its own requests: another's is
a 404, as a missing one is.
"""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.serializers import SERIALIZERS, DisableSerializer, TokenQuerySerializer
from bookings.links import link_token, link_token_id
from bookings.models import SchedulingRequest
from bookings.selectors.scheduling_requests import access_scheduling_request
from bookings.services.scheduling_requests import (
    scheduling_request_create,
    scheduling_request_disable,
)
from scheduling.api.authentication import (
    ApiKeyAuthentication,
    ClientCredentialsAuthentication,
    IsAuthenticatedApplication,
)
from scheduling.api.errors import V1_ERRORS
from scheduling.api.fields import CharField, ChoiceField, JSONObjectField
from scheduling.api.links import absolute_url
from scheduling.api.params import query_params
from scheduling.api.schema import ERROR_DESCRIPTIONS
from scheduling.errors import NotFound


class SchedulingRequestOutSerializer(serializers.Serializer):
    real_time_scheduling_id = CharField(help_text='"sch_..."')
    url = CharField(help_text="The link to send the end user to")
    status = ChoiceField(choices=SchedulingRequest.Status.values)
    event = JSONObjectField(help_text="The request's event (no times)")
    display_message = CharField(
        allow_null=True, help_text="Shown to visitors of a disabled link; null when none"
    )


Envelope = inline_serializer(
    "RealTimeSchedulingEnvelope",
    {
        "real_time_scheduling": SchedulingRequestOutSerializer(),
        "url": CharField(help_text="The link again, where older clients read it"),
    },
)


def link_url(request, scheduling_request: SchedulingRequest) -> str:
    token = link_token(scheduling_request.real_time_scheduling_id)
    return absolute_url(request, reverse("booking-link", args=[token]))


def present(request, scheduling_request: SchedulingRequest) -> dict:
    url = link_url(request, scheduling_request)
    return {
        "real_time_scheduling": {
            "real_time_scheduling_id": scheduling_request.real_time_scheduling_id,
            "url": url,
            "status": scheduling_request.status_at(timezone.now()),
            "event": scheduling_request.spec["event"],
            "display_message": scheduling_request.display_message or None,
        },
        # Older clients read the link at the top level.
        "url": url,
    }


class _ApiKeyView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticatedApplication]


class _CreateView(_ApiKeyView):
    """Makes a link on POST; on GET (the status by token) only the API key counts."""

    kind: str

    def get_authenticators(self):
        if getattr(self, "request", None) is not None and self.request.method == "POST":
            return [ApiKeyAuthentication(), ClientCredentialsAuthentication()]
        return super().get_authenticators()

    def create(self, request) -> Response:
        params = SERIALIZERS[self.kind](data=request.data)
        params.is_valid(raise_exception=True)
        created = scheduling_request_create(
            application=request.user.application, kind=self.kind, spec=params.spec()
        )
        return Response(present(request, created))


class RealTimeSchedulingView(_CreateView):
    kind = SchedulingRequest.Kind.SCHEDULING

    @extend_schema(
        operation_id="real_time_scheduling_create",
        request=SERIALIZERS["scheduling"],
        responses=Envelope,
    )
    def post(self, request):
        return self.create(request)

    @extend_schema(
        operation_id="real_time_scheduling_by_token",
        parameters=[TokenQuerySerializer],
        # The path names no object, so the schema's 404 for one is not added by itself.
        responses={
            200: Envelope,
            404: OpenApiResponse(V1_ERRORS.body, description=ERROR_DESCRIPTIONS["not_found"]),
        },
    )
    def get(self, request):
        params = TokenQuerySerializer(data=query_params(request.query_params))
        params.is_valid(raise_exception=True)
        public_id = link_token_id(params.validated_data["token"])
        if public_id is None:
            raise NotFound("No real-time scheduling request for this token")
        found = access_scheduling_request(
            application=request.user.application, real_time_scheduling_id=public_id
        )
        return Response(present(request, found))


class RealTimeSequencingView(_CreateView):
    kind = SchedulingRequest.Kind.SEQUENCING

    @extend_schema(
        operation_id="real_time_sequencing_create",
        request=SERIALIZERS["sequencing"],
        responses=Envelope,
    )
    def post(self, request):
        return self.create(request)


class SchedulingRequestView(_ApiKeyView):
    @extend_schema(operation_id="real_time_scheduling_status", responses=Envelope)
    def get(self, request, real_time_scheduling_id: str):
        found = access_scheduling_request(
            application=request.user.application, real_time_scheduling_id=real_time_scheduling_id
        )
        return Response(present(request, found))


class SchedulingRequestDisableView(_ApiKeyView):
    @extend_schema(
        operation_id="real_time_scheduling_disable", request=DisableSerializer, responses=Envelope
    )
    def post(self, request, real_time_scheduling_id: str):
        params = DisableSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        found = access_scheduling_request(
            application=request.user.application, real_time_scheduling_id=real_time_scheduling_id
        )
        disabled = scheduling_request_disable(
            scheduling_request=found,
            display_message=params.validated_data["display_message"] or "",
        )
        return Response(present(request, disabled))
