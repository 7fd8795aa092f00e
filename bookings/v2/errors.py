"""Timekit's error shape for every /v2 path (views, and Django's 404/500 through the core's
prefix registry, filled in bookings/apps.py).

Timekit's public docs show no full error body; its API was a Laravel application, whose
validation failures read `{"error": <message>, "errors": {field: [<message>, ...]}}`. Chosen
(unverified, documented in docs/v2.md): every error is `{"error": <message>}`, and a 422 adds
`errors`, a map of field path -> list of messages. Statuses: 400 malformed JSON, 401 missing or
wrong key, 403 refused, 404 missing or another app's, 422 invalid input (an action the
booking's state does not allow included), 429 too many failures (with Retry-After). The core's
`message_dialect` renders it; this module adds the booking engine's own errors.
"""

from rest_framework.response import Response

from bookings.engine.graphs import ActionNotAllowed, UnknownGraph
from scheduling.api.errors import MessageErrorSerializer, message_dialect, message_invalid

INVALID = "The given data failed to pass validation."


def _timekit_response(exc: Exception) -> Response | None:
    # A state that does not allow the action: a 422 on `action` naming the state and the
    # actions it allows (graphs.ActionNotAllowed words it); an unknown graph lists the graphs.
    if isinstance(exc, ActionNotAllowed):
        return message_invalid(INVALID, {"action": [str(exc)]})
    if isinstance(exc, UnknownGraph):
        return message_invalid(INVALID, {"graph": [str(exc)]})
    return None


class TimekitErrorSerializer(MessageErrorSerializer):
    pass  # a class of its own: its own name in the OpenAPI schema


TIMEKIT_ERRORS = message_dialect(
    "timekit",
    invalid=INVALID,
    challenge='Basic realm="v2"',
    body=TimekitErrorSerializer,
    translate=_timekit_response,
)
