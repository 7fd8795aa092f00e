"""OnSched's error shape for every /setup/v1 path (views, and Django's 404/500 through the core's
prefix registry, filled in calendars_sync/apps.py).

OnSched's public guides show no error body. Chosen (documented in docs/onsched.md): every error
is `{"error": <message>}`, and a 422 adds `errors`, a map of field path (camelCase, as sent; a
bulk update's prefixed with the item's index, `2.email`) -> list of messages. Statuses: 400
malformed JSON, 401 missing, unknown or expired token, 403 refused, 404 missing or another
application's, 422 invalid input, 429 too many failed tokens (with Retry-After).
`POST /connect/token` answers in RFC 6749's shape instead (the core's OAUTH_ERRORS), as
OnSched's identity server does.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.response import Response

from scheduling.api.errors import _TOO_MUCH, ErrorDialect, RateLimited, _flatten
from scheduling.errors import Forbidden, NotFound, ValidationFailed

INVALID = "The request is invalid."
CHALLENGE = 'Bearer realm="setup"'


def _error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response({"error": message}, status=status, headers=headers)


def _validation(exc: ValidationFailed | drf.ValidationError) -> Response:
    errors: dict[str, list[str]] = {}
    if isinstance(exc, ValidationFailed):
        for name, items in exc.errors.items():
            errors[name] = [text for _code, text in items]
    else:
        for name, _code, text in _flatten(exc.detail, ""):
            errors.setdefault(name, []).append(text)
    return Response({"error": INVALID, "errors": errors}, status=422)


def _onsched_response(exc: Exception) -> Response | None:
    if isinstance(exc, ValidationFailed | drf.ValidationError):
        return _validation(exc)
    if isinstance(exc, drf.ParseError | drf.UnsupportedMediaType | _TOO_MUCH):
        return _error(400, f"Malformed request: {exc}")
    if isinstance(exc, NotFound | Http404 | drf.NotFound):
        return _error(404, exc.description if isinstance(exc, NotFound) else "Not found")
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return _error(401, str(exc.detail), headers={"WWW-Authenticate": CHALLENGE})
    if isinstance(exc, RateLimited):
        return _error(429, str(exc.detail), headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, Forbidden):
        return _error(403, exc.description)
    if isinstance(exc, drf.PermissionDenied | DjangoPermissionDenied):
        return _error(403, str(getattr(exc, "detail", "Forbidden")))
    if isinstance(exc, drf.APIException):
        return _error(exc.status_code, str(exc.detail))
    return None


class OnSchedErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On 422 only: field path -> its messages",
    )


ONSCHED_ERRORS = ErrorDialect(
    "onsched",
    _onsched_response,
    OnSchedErrorSerializer,
    {
        "bad_input": 422,
        "malformed": 400,
        "unauthenticated": 401,
        "forbidden": 403,
        "not_found": 404,
        "rate_limited": 429,
    },
)
