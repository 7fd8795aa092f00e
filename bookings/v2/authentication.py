"""/v2 authentication: HTTP Basic with an empty user name and the application's API key (its
client secret) as the password, `Authorization: Basic base64(":" + key)`, as Timekit's SDK sends
it. A non-empty user name is refused (Timekit documents it empty; accepting anything there would
hide a misconfigured client). Failures are rate limited per client address like the core's API
keys (scheduling/ratelimit.py API_CREDENTIALS).

booking.js's widget key travels in the same header: `Basic base64(":" + widget_key)`. The two
classes split the header by the key's prefix (bookings/services/widget_keys.py): the API key class
answers None for a `widget_...` key and WidgetKeyAuthentication, listed after it, answers None for
any other. So a key that is neither is still a 401 from the first, and each failure is counted
once, under the same limit. A widget caller's `request.auth` is its WidgetKey (None for the API
key): bookings/v2/permissions.py lets it through only where a view opts in.
"""

import base64
import binascii

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from bookings.selectors.timekit import widget_key_lookup
from bookings.services.widget_keys import WIDGET_KEY_PREFIX
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


def _has_basic_header(request) -> bool:
    return get_authorization_header(request).lower().startswith(b"basic")


def is_widget_key(key: str) -> bool:
    return key.startswith(WIDGET_KEY_PREFIX)


class BasicApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        if not _has_basic_header(request):
            return None
        with failures_limited(request, API_CREDENTIALS):
            key = basic_api_key(request) or ""
            if is_widget_key(key):
                return None  # WidgetKeyAuthentication's
            application = application_for_secret(raw=key)
            if application is None:
                raise exceptions.AuthenticationFailed("Invalid API key.")
        return Caller(application), None

    def authenticate_header(self, request) -> str:
        return 'Basic realm="v2"'


class WidgetKeyAuthentication(BaseAuthentication):
    """booking.js's public widget key; `request.auth` is the WidgetKey."""

    def authenticate(self, request):
        if not _has_basic_header(request):
            return None
        with failures_limited(request, API_CREDENTIALS):
            key = basic_api_key(request) or ""
            if not is_widget_key(key):
                return None  # BasicApiKeyAuthentication's
            widget_key = widget_key_lookup(raw=key)
            if widget_key is None:
                raise exceptions.AuthenticationFailed("Invalid widget key.")
        return Caller(widget_key.application), widget_key

    def authenticate_header(self, request) -> str:
        return 'Basic realm="v2"'
