"""/v2 authentication: HTTP Basic with an empty user name and the application's API key (its
client secret) as the password, `Authorization: Basic base64(":" + key)`, as Timekit's SDK sends
it. A non-empty user name is refused (Timekit documents it empty; accepting anything there would
hide a misconfigured client). Failures are rate limited per client address like the core's API
keys (scheduling/ratelimit.py API_CREDENTIALS).

Seam for booking.js's widget key (issue 9, later): a WidgetKeyAuthentication class listed after
this one in V2View.authentication_classes, answering None for a header that is not a widget key,
with a permission that limits such callers to the widget's calls (`Timekit-Context: widget`).
"""

import base64
import binascii

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from scheduling.api.authentication import Caller, failures_limited
from scheduling.ratelimit import API_CREDENTIALS
from scheduling.selectors.credentials import application_for_secret

MALFORMED = "Malformed Authorization header: expected Basic base64(':' + API key)."


def basic_api_key(request) -> str | None:
    """The password of a Basic header whose user name is empty; None without a Basic header."""
    header = get_authorization_header(request).split()
    if not header or header[0].lower() != b"basic":
        return None
    if len(header) != 2:
        raise exceptions.AuthenticationFailed(MALFORMED)
    try:
        decoded = base64.b64decode(header[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise exceptions.AuthenticationFailed(MALFORMED) from exc
    user, colon, key = decoded.partition(":")
    if not colon or user:
        raise exceptions.AuthenticationFailed(MALFORMED)
    return key


class BasicApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        if not get_authorization_header(request).lower().startswith(b"basic"):
            return None
        with failures_limited(request, API_CREDENTIALS):
            application = application_for_secret(raw=basic_api_key(request) or "")
            if application is None:
                raise exceptions.AuthenticationFailed("Invalid API key.")
        return Caller(application), None

    def authenticate_header(self, request) -> str:
        return 'Basic realm="v2"'
