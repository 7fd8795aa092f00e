"""Timekit's error shape for every /v2 path (views, and Django's 404/500 through the core's
prefix registry, filled in bookings/apps.py).

Timekit's public docs show no full error body; its API was a Laravel application, whose
validation failures read `{"error": <message>, "errors": {field: [<message>, ...]}}`. Chosen
(unverified, documented in docs/v2.md): every error is `{"error": <message>}`, and a 422 adds
`errors`, a map of field path -> list of messages. Statuses: 400 malformed JSON, 401 missing or
wrong key, 403 refused, 404 missing or another app's, 422 invalid input (an action the
booking's state does not allow included), 429 too many failures (with Retry-After).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.response import Response

from bookings.engine.graphs import ActionNotAllowed, UnknownGraph
from scheduling.api.errors import _TOO_MUCH, ErrorDialect, RateLimited, _flatten
from scheduling.errors import Forbidden, NotFound, ValidationFailed

INVALID = "The given data failed to pass validation."


def _error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response({"error": message}, status=status, headers=headers)


def _invalid(errors: dict[str, list[str]]) -> Response:
    return Response({"error": INVALID, "errors": errors}, status=422)


def _validation(exc: Exception) -> Response:
    errors: dict[str, list[str]] = {}
    if isinstance(exc, ValidationFailed):
        for field, items in exc.errors.items():
            errors[field] = [text for _code, text in items]
    else:
        for field, _code, text in _flatten(exc.detail, ""):
            errors.setdefault(field, []).append(text)
    return _invalid(errors)


def _timekit_response(exc: Exception) -> Response | None:
    if isinstance(exc, ValidationFailed | drf.ValidationError):
        return _validation(exc)
    # A state that does not allow the action: a 422 on `action` naming the state and the
    # actions it allows (graphs.ActionNotAllowed words it); an unknown graph lists the graphs.
    if isinstance(exc, ActionNotAllowed):
        return _invalid({"action": [str(exc)]})
    if isinstance(exc, UnknownGraph):
        return _invalid({"graph": [str(exc)]})
    if isinstance(exc, drf.ParseError | drf.UnsupportedMediaType | _TOO_MUCH):
        return _error(400, f"Malformed request: {exc}")
    if isinstance(exc, NotFound | Http404 | drf.NotFound):
        return _error(404, exc.description if isinstance(exc, NotFound) else "Not found")
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return _error(401, str(exc.detail), headers={"WWW-Authenticate": 'Basic realm="v2"'})
    if isinstance(exc, RateLimited):
        return _error(429, str(exc.detail), headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, Forbidden):
        return _error(403, exc.description)
    if isinstance(exc, drf.PermissionDenied | DjangoPermissionDenied):
        return _error(403, str(getattr(exc, "detail", "Forbidden")))
    if isinstance(exc, drf.APIException):
        return _error(exc.status_code, str(exc.detail))
    return None


class TimekitErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On 422 only: field path -> its messages",
    )


TIMEKIT_ERRORS = ErrorDialect(
    "timekit",
    _timekit_response,
    TimekitErrorSerializer,
    {
        "bad_input": 422,
        "malformed": 400,
        "unauthenticated": 401,
        "forbidden": 403,
        "not_found": 404,
        "rate_limited": 429,
    },
)
