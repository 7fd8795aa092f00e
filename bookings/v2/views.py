"""The base of every /v2 view: Timekit's wire format.

- Authentication: Basic with the API key, or booking.js's widget key where a view allows it
  (`widget_access`; bookings/v2/authentication.py and permissions.py).
- Every success body is `{"data": ...}` (`data()`); errors are Timekit's (bookings/v2/errors.py).
- Request keys are snake_case, as Timekit's SDK sends them; bodies are JSON (400 when malformed).
- Paths answer with and without a trailing slash (bookings/v2/urls.py), so APPEND_SLASH never
  redirects a POST. CORS for booking.js: bookings/v2/cors.py.
"""

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.v2.authentication import BasicApiKeyAuthentication, WidgetKeyAuthentication
from bookings.v2.errors import TIMEKIT_ERRORS
from bookings.v2.permissions import WidgetAllowed
from scheduling.api.authentication import IsAuthenticatedApplication


def data(value: Any, *, status: int = 200) -> Response:
    if status == 204:
        return Response(status=204)
    return Response({"data": value}, status=status)


def data_serializer(name: str, serializer: type[serializers.Serializer], *, many: bool = False):
    """The schema of `{"data": <serializer>}` (a list when `many`)."""
    return inline_serializer(f"{name}Data", {"data": serializer(many=many)})


class V2View(APIView):
    authentication_classes = [BasicApiKeyAuthentication, WidgetKeyAuthentication]
    permission_classes = [IsAuthenticatedApplication, WidgetAllowed]
    # Methods a widget key may call here: False (none), True (all) or a set such as {"POST"}.
    widget_access: bool | frozenset[str] = False
    error_dialect = TIMEKIT_ERRORS

    @staticmethod
    def valid(serializer_class: type[serializers.Serializer], body: Any) -> dict:
        serializer = serializer_class(data=body)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
