"""POST /v1/availability and POST /v1/sequenced_availability.

Authenticated with the application's API key, whose members may be any accounts of that
application (its own application calendars and resources, and the people who authorized it), with
an account's access token (scope read_free_busy or read_events), whose only member may be that
account: one account's token never reads another's data, or with an element token (`?et=`, the
`availability` permission), whose members may be its subs. A member beyond what the credential
reaches is a 422 on its `sub`, `errors.not_accessible`, as for an access token.
"""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import engine
from scheduling.api.authentication import (
    AccessTokenOrApiKeyAuthentication,
    ElementTokenAuthentication,
    ElementTokenPermission,
    IsAuthenticatedApplication,
    accounts_reached,
)
from scheduling.api.availability_input import (
    AvailabilityRequestSerializer,
    SequencedAvailabilityRequestSerializer,
    member_errors,
)
from scheduling.api.element_access import AVAILABILITY, ElementCors
from scheduling.errors import Forbidden, MembersRejected
from scheduling.scopes import can_read_free_busy
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


def run_query(find, request, query):
    """Run `find` (availability_find or sequenced_availability_find) for the caller, now; members
    the selector rejects become a 422 on their places in the request."""
    try:
        return find(
            application=request.user.application,
            query=query,
            now=timezone.now(),
            only_accounts=accounts_reached(request),
        )
    except MembersRejected as exc:
        raise member_errors(exc, query) from exc


class CanQueryAvailability(IsAuthenticatedApplication):
    """The API key, or an access token allowed to read its account's free/busy."""

    def has_permission(self, request, view) -> bool:
        super().has_permission(request, view)
        caller = request.user
        if caller.account is not None and not can_read_free_busy(caller.scopes):
            raise Forbidden(
                "The access token lacks the 'read_free_busy' scope.", code="insufficient_scope"
            )
        return True


class AvailabilityView(ElementCors, APIView):
    authentication_classes = [AccessTokenOrApiKeyAuthentication, ElementTokenAuthentication]
    permission_classes = [ElementTokenPermission | CanQueryAvailability]
    element_permissions = {"POST": AVAILABILITY}

    @extend_schema(
        request=AvailabilityRequestSerializer,
        responses={200: OpenApiResponse(description="available_periods or available_slots")},
    )
    def post(self, request):
        serializer = AvailabilityRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        query = serializer.to_query()
        results = run_query(availability_find, request, query)
        key = "available_periods" if query.response_format == "periods" else "available_slots"
        return Response({key: [present_available(item) for item in results]})


class SequencedAvailabilityView(ElementCors, APIView):
    authentication_classes = [AccessTokenOrApiKeyAuthentication, ElementTokenAuthentication]
    permission_classes = [ElementTokenPermission | CanQueryAvailability]
    element_permissions = {"POST": AVAILABILITY}

    @extend_schema(
        request=SequencedAvailabilityRequestSerializer,
        responses={200: OpenApiResponse(description="sequences")},
    )
    def post(self, request):
        serializer = SequencedAvailabilityRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sequences = run_query(sequenced_availability_find, request, serializer.to_query())
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
