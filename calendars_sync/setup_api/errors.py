"""OnSched's error shape for every /setup/v1 path (views, and Django's 404/500 through the core's
prefix registry, filled in calendars_sync/apps.py).

OnSched's public guides show no error body. Chosen (documented in docs/onsched.md): every error
is `{"error": <message>}`, and a 422 adds `errors`, a map of field path (camelCase, as sent; a
bulk update's prefixed with the item's index, `2.email`) -> list of messages. Statuses: 400
malformed JSON, 401 missing, unknown or expired token, 403 refused, 404 missing or another
application's, 422 invalid input, 429 too many failed tokens (with Retry-After): the core's
`message_dialect`, as Timekit's /v2 shape is.
`POST /connect/token` answers in RFC 6749's shape instead (the core's OAUTH_ERRORS), as
OnSched's identity server does.
"""

from scheduling.api.errors import MessageErrorSerializer, message_dialect

INVALID = "The request is invalid."
CHALLENGE = 'Bearer realm="setup"'


class OnSchedErrorSerializer(MessageErrorSerializer):
    pass  # a class of its own: its own name in the OpenAPI schema


ONSCHED_ERRORS = message_dialect(
    "onsched", invalid=INVALID, challenge=CHALLENGE, body=OnSchedErrorSerializer
)
