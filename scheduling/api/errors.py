"""Exception handling: one handler that dispatches to the calling view's error dialect.

A dialect is how one API family words its errors: an ErrorDialect whose render() turns an
exception into a response. A view names its dialect object (`error_dialect = OAUTH_ERRORS`), and
views that name none speak V1_ERRORS. Dialects live with the app that owns them (the core's two
here; `bookings` adds Timekit's /v2 shape in bookings/v2/errors.py, `calendars_sync` OnSched's
/setup/v1 shape in calendars_sync/setup_api/errors.py), and this handler knows none of them, so a
new dialect never touches the core. Both of those word errors as one message
(`{"error": <message>}`, a 422 adding `errors`, field path -> messages): `message_dialect` builds
such a dialect from its words (the 422's message, the 401's challenge).

`/v1` (V1_ERRORS): 422 {"errors": {field: [{"key": "errors.<code>", "description": ...}]}}; 401,
403, 404 and other client errors use the same map under the field "base".
`/oauth` (OAUTH_ERRORS): RFC 6749 {"error": ..., "error_description": ...} with 400/401.
Both answer a RateLimited with 429 and Retry-After: `errors.rate_limited` under "base" on /v1,
`{"error": "rate_limited", ...}` on /oauth.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings

from scheduling.errors import DomainError, Forbidden, NotFound, ValidationFailed

# DRF's error codes, renamed where the documented API uses another word.
_CODE_NAMES = {
    "null": "required",
    "blank": "required",
    "max_length": "too_long",
    "min_length": "too_short",
    "invalid_choice": "invalid",
    "max_value": "too_large",
    "min_value": "too_small",
    "not_a_list": "invalid",
    "not_a_dict": "invalid",
    "empty": "required",
}


class RateLimited(drf.APIException):
    """Too many failed credentials from this caller (scheduling/ratelimit.py): refused before
    they are checked, until `retry_after` seconds have passed."""

    status_code = 429
    default_code = "rate_limited"

    def __init__(self, *, retry_after: int, description: str) -> None:
        super().__init__(detail=description, code="rate_limited")
        self.retry_after = retry_after


def _retry_after(exc: RateLimited) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after)}


# Django's refusals of oversized requests (more than DATA_UPLOAD_MAX_NUMBER_FIELDS query
# parameters, for one), raised when a view first reads the request.
_TOO_MUCH = TooManyFieldsSent | RequestDataTooBig


def error_item(code: str, description: str) -> dict[str, str]:
    return {"key": f"errors.{code}", "description": description}


def _flatten(detail: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """Yield (field path, code, description) from DRF's nested error structure."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "base" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            yield from _flatten(value, f"{path}.{name}" if path else name)
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            for item in detail:
                code = getattr(item, "code", "invalid") or "invalid"
                yield path or "base", _CODE_NAMES.get(code, code), str(item)
        else:
            for index, item in enumerate(detail):
                if item:
                    yield from _flatten(item, f"{path}.{index}" if path else str(index))
    else:
        code = getattr(detail, "code", "invalid") or "invalid"
        yield path or "base", _CODE_NAMES.get(code, code), str(detail)


def validation_errors_body(detail: Any) -> dict[str, Any]:
    errors: dict[str, list[dict[str, str]]] = {}
    for field, code, description in _flatten(detail, ""):
        errors.setdefault(field, []).append(error_item(code, description))
    return {"errors": errors}


def _base(status: int, code: str, description: str, headers: dict | None = None) -> Response:
    return Response(
        {"errors": {"base": [error_item(code, description)]}}, status=status, headers=headers
    )


def _v1_response(exc: Exception) -> Response | None:
    if isinstance(exc, ValidationFailed):
        errors = {
            field: [error_item(code, text) for code, text in items]
            for field, items in exc.errors.items()
        }
        return Response({"errors": errors}, status=422)
    if isinstance(exc, drf.ValidationError):
        return Response(validation_errors_body(exc.detail), status=422)
    if isinstance(exc, drf.ParseError):
        code = getattr(exc.detail, "code", "invalid_body") or "invalid_body"
        return _base(422, code if code != "parse_error" else "invalid_body", str(exc.detail))
    if isinstance(exc, _TOO_MUCH):
        return _base(422, "too_large", str(exc))
    if isinstance(exc, NotFound | Http404 | drf.NotFound):
        description = exc.description if isinstance(exc, NotFound) else "Not found"
        return _base(404, "not_found", description)
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return _base(
            401,
            "unauthorized",
            str(exc.detail),
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    if isinstance(exc, RateLimited):
        return _base(429, "rate_limited", str(exc.detail), headers=_retry_after(exc))
    if isinstance(exc, Forbidden):
        return _base(403, exc.code, exc.description)
    if isinstance(exc, drf.PermissionDenied | DjangoPermissionDenied):
        return _base(403, "forbidden", str(getattr(exc, "detail", "Forbidden")))
    if isinstance(exc, drf.APIException):
        codes = exc.get_codes()
        return _base(exc.status_code, codes if isinstance(codes, str) else "error", str(exc.detail))
    return None


def _oauth_response(exc: Exception) -> Response | None:
    """RFC 6749 section 5.2. It has no code for too many failures; `rate_limited` says it as /v1
    does (`slow_down` is the device flow's word for polling too fast, not for failed secrets)."""
    if isinstance(exc, RateLimited):
        body = {"error": "rate_limited", "error_description": str(exc.detail)}
        return Response(body, status=429, headers=_retry_after(exc))
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return Response(
            {"error": "invalid_client", "error_description": str(exc.detail)},
            status=401,
            headers={"WWW-Authenticate": 'Basic realm="oauth"'},
        )
    if isinstance(exc, ValidationFailed):
        field, items = next(iter(exc.errors.items()))
        code, description = items[0]
        return Response({"error": code, "error_description": f"{field}: {description}"}, status=400)
    if isinstance(exc, drf.ValidationError):
        described = (f"{field}: {text}" for field, _code, text in _flatten(exc.detail, ""))
        body = {"error": "invalid_request", "error_description": "; ".join(described)}
        return Response(body, status=400)
    if isinstance(exc, drf.ParseError | drf.UnsupportedMediaType | _TOO_MUCH):
        return Response({"error": "invalid_request", "error_description": str(exc)}, status=400)
    if isinstance(exc, drf.APIException):
        error = "server_error" if exc.status_code >= 500 else "invalid_request"
        return Response(
            {"error": error, "error_description": str(exc.detail)}, status=exc.status_code
        )
    return None


@dataclass(frozen=True)
class ErrorDialect:
    """How one API family words its errors. `render` answers None for an exception it does not
    translate, which DRF then re-raises (a 500, logged). `body` is the shape of its error bodies
    and `statuses` the status each kind of error gets (bad_input, unauthenticated, forbidden,
    not_found, rate_limited; a kind a dialect never answers is absent): the OpenAPI schema
    documents every operation's errors from them (scheduling/api/schema.py)."""

    name: str
    render: Callable[[Exception], Response | None]
    body: type[serializers.Serializer]
    statuses: Mapping[str, int]


def _message_error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response({"error": message}, status=status, headers=headers)


def message_invalid(message: str, errors: dict[str, list[str]]) -> Response:
    return Response({"error": message, "errors": errors}, status=422)


def _message_validation(exc: ValidationFailed | drf.ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if isinstance(exc, ValidationFailed):
        for field, items in exc.errors.items():
            errors[field] = [text for _code, text in items]
    else:
        for field, _code, text in _flatten(exc.detail, ""):
            errors.setdefault(field, []).append(text)
    return errors


# A message dialect's error body; each dialect subclasses it to give it its own name in the
# OpenAPI schema (a comment, not a docstring: the schema would show a docstring).
class MessageErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On 422 only: field path -> its messages",
    )


def message_dialect(
    name: str,
    *,
    invalid: str,
    challenge: str,
    body: type[MessageErrorSerializer],
    translate: Callable[[Exception], Response | None] | None = None,
) -> ErrorDialect:
    """A dialect that words every error as `{"error": <message>}`: 422 (`invalid`, with `errors`)
    for invalid input, 400 malformed, 401 (with `challenge` as WWW-Authenticate), 403, 404, 429
    (with Retry-After), and other API errors with their own status. `translate` answers first,
    for the dialect's own domain errors (None for the rest)."""

    def render(exc: Exception) -> Response | None:
        if translate is not None and (response := translate(exc)) is not None:
            return response
        if isinstance(exc, ValidationFailed | drf.ValidationError):
            return message_invalid(invalid, _message_validation(exc))
        if isinstance(exc, drf.ParseError | drf.UnsupportedMediaType | _TOO_MUCH):
            return _message_error(400, f"Malformed request: {exc}")
        if isinstance(exc, NotFound | Http404 | drf.NotFound):
            return _message_error(
                404, exc.description if isinstance(exc, NotFound) else "Not found"
            )
        if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
            return _message_error(401, str(exc.detail), headers={"WWW-Authenticate": challenge})
        if isinstance(exc, RateLimited):
            return _message_error(429, str(exc.detail), headers=_retry_after(exc))
        if isinstance(exc, Forbidden):
            return _message_error(403, exc.description)
        if isinstance(exc, drf.PermissionDenied | DjangoPermissionDenied):
            return _message_error(403, str(getattr(exc, "detail", "Forbidden")))
        if isinstance(exc, drf.APIException):
            return _message_error(exc.status_code, str(exc.detail))
        return None

    statuses = {
        "bad_input": 422,
        "malformed": 400,
        "unauthenticated": 401,
        "forbidden": 403,
        "not_found": 404,
        "rate_limited": 429,
    }
    return ErrorDialect(name, render, body, statuses)


class ErrorItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"errors.<code>", e.g. errors.required')
    description = serializers.CharField()


class V1ErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=ErrorItemSerializer(many=True),
        help_text='Field path (or "base" for the request as a whole) -> its errors',
    )


class OAuthErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="RFC 6749 error code, e.g. invalid_grant")
    error_description = serializers.CharField()


V1_ERRORS = ErrorDialect(
    "v1",
    _v1_response,
    V1ErrorsSerializer,
    {
        "bad_input": 422,
        "unauthenticated": 401,
        "forbidden": 403,
        "not_found": 404,
        "rate_limited": 429,
    },
)
OAUTH_ERRORS = ErrorDialect(
    "oauth",
    _oauth_response,
    OAuthErrorSerializer,
    {"bad_input": 400, "unauthenticated": 401, "rate_limited": 429},
)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: the view's dialect renders (V1_ERRORS when it names none)."""
    dialect: ErrorDialect = getattr(context.get("view"), "error_dialect", V1_ERRORS)
    return dialect.render(exc)


__all__ = [
    "OAUTH_ERRORS",
    "V1_ERRORS",
    "DomainError",
    "ErrorDialect",
    "MessageErrorSerializer",
    "RateLimited",
    "exception_handler",
    "message_dialect",
    "message_invalid",
    "validation_errors_body",
]
