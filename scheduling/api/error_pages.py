"""Django's handler400/403/404/500 (config/urls.py): errors that no API view answered.

An unknown path, a URL whose id cannot exist (api/urls.py), a bad Host header or an unhandled
exception never reach a DRF view, so the view's error dialect cannot word them. Here the path's
prefix picks the dialect instead, and API clients get JSON in the shape of the API they called:
/v1 the `{"errors": {"base": [...]}}` map, /oauth/token RFC 6749's `{"error": ...}`, and any
prefix another app registers its dialect for (`api_prefix_register`, called from its
AppConfig.ready, so that the core never imports that app: bookings registers Timekit's /v2).
Every other path gets Django's own pages. A 500 says only that an error occurred: the exception
is logged by Django, never shown.

Django calls handler404 only when DEBUG is off; with DEBUG on, its technical page answers.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.response import Response

from scheduling.api.errors import OAUTH_ERRORS, V1_ERRORS, ErrorDialect


class _BadRequest(drf.APIException):
    status_code = 400
    default_detail = "Bad request."
    default_code = "bad_request"


def _plain(exc: Exception) -> Response | None:
    if isinstance(exc, drf.APIException):
        return Response({"error": str(exc.detail)}, status=exc.status_code)
    return None


class PlainErrorSerializer(serializers.Serializer):
    error = serializers.CharField()


# A registered prefix whose app has not registered its own dialect answers {"error": <text>}.
PLAIN_ERRORS = ErrorDialect("plain", _plain, PlainErrorSerializer, {"not_found": 404})

# Path prefix -> dialect; the core's own, then whatever apps register (first match wins).
API_PREFIXES: list[tuple[str, ErrorDialect]] = [
    ("/v1/", V1_ERRORS),
    ("/oauth/token", OAUTH_ERRORS),
]


def api_prefix_register(*, prefix: str, dialect: ErrorDialect) -> None:
    """Word Django-level errors (unknown path, 500) under `prefix` in `dialect`. Idempotent:
    registering a prefix again replaces its dialect."""
    API_PREFIXES[:] = [(p, d) for p, d in API_PREFIXES if p != prefix]
    API_PREFIXES.append((prefix, dialect))


def _dialect(request: HttpRequest) -> ErrorDialect | None:
    path = request.path_info
    for prefix, dialect in API_PREFIXES:
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return dialect
    return None


def _json(dialect: ErrorDialect, exc: drf.APIException) -> HttpResponse:
    response = dialect.render(exc)
    return JsonResponse(response.data, status=response.status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    dialect = _dialect(request)
    if dialect is None:
        return defaults.bad_request(request, exception)
    return _json(dialect, _BadRequest())


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    dialect = _dialect(request)
    if dialect is None:
        return defaults.permission_denied(request, exception)
    return _json(dialect, drf.PermissionDenied())


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    dialect = _dialect(request)
    if dialect is None:
        return defaults.page_not_found(request, exception)
    return _json(dialect, drf.NotFound("Not found"))


def server_error(request: HttpRequest) -> HttpResponse:
    dialect = _dialect(request)
    if dialect is None:
        return defaults.server_error(request)
    return _json(dialect, drf.APIException("A server error occurred.", code="server_error"))
