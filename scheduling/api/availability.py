"""POST /v1/availability and POST /v1/sequenced_availability.

Authenticated with the application's API key or any of its accounts' access tokens; the members
must be accounts of that application (its own application calendars and resources, and the people
who authorized it).
"""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import engine
from scheduling.api.authentication import (
    AccessTokenOrApiKeyAuthentication,
    IsAuthenticatedApplication,
)
from scheduling.api.availability_input import (
    AvailabilityRequestSerializer,
    SequencedAvailabilityRequestSerializer,
)
from scheduling.selectors.availability_queries import (
    availability_find,
    sequenced_availability_find,
)
from scheduling.timeformat import format_time


def present_available(item: engine.Available | engine.SequenceItem) -> dict:
    return {
        "start": format_time(item.start),
        "end": format_time(item.end),
        "participants": [{"sub": sub} for sub in item.participants],
    }


class AvailabilityView(APIView):
    authentication_classes = [AccessTokenOrApiKeyAuthentication]
    permission_classes = [IsAuthenticatedApplication]

    @extend_schema(
        request=AvailabilityRequestSerializer,
        responses={200: OpenApiResponse(description="available_periods or available_slots")},
    )
    def post(self, request):
        serializer = AvailabilityRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        spec = serializer.to_spec()
        results = availability_find(
            application=request.user.application, request=spec, now=timezone.now()
        )
        key = "available_periods" if spec.response_format == "periods" else "available_slots"
        return Response({key: [present_available(item) for item in results]})


class SequencedAvailabilityView(APIView):
    authentication_classes = [AccessTokenOrApiKeyAuthentication]
    permission_classes = [IsAuthenticatedApplication]

    @extend_schema(
        request=SequencedAvailabilityRequestSerializer,
        responses={200: OpenApiResponse(description="sequences")},
    )
    def post(self, request):
        serializer = SequencedAvailabilityRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sequences = sequenced_availability_find(
            application=request.user.application, request=serializer.to_spec(), now=timezone.now()
        )
        return Response(
            {
                "sequences": [
                    {
                        "sequence": [
                            {"sequence_id": item.sequence_id, **present_available(item)}
                            for item in sequence
                        ]
                    }
                    for sequence in sequences
                ]
            }
        )


urlpatterns = [
    path("availability", AvailabilityView.as_view(), name="v1-availability"),
    path(
        "sequenced_availability",
        SequencedAvailabilityView.as_view(),
        name="v1-sequenced-availability",
    ),
]
