"""Authentication, one class per kind of credential, all resolving to a Caller.

- AccessTokenAuthentication: `Authorization: Bearer <access token>` (an account's).
- ApiKeyAuthentication: `Authorization: Bearer <client secret>` (the application's API key).
- AccessTokenOrApiKeyAuthentication: either (availability queries accept both).
Views that take client credentials in the body (/oauth/token, /v1/application_calendars) use no
authentication class and ignore the Authorization header, which pycronofy still sends.
"""

from dataclasses import dataclass, field

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from scheduling.errors import Forbidden
from scheduling.models import Account, Application
from scheduling.scopes import parse_scope, scope_allows
from scheduling.selectors.credentials import access_token_lookup, application_for_secret


@dataclass(frozen=True)
class Caller:
    """The authenticated party of an API request (DRF's request.user)."""

    application: Application
    account: Account | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    is_authenticated = True


def bearer_credential(request) -> str | None:
    """The token of a `Bearer` Authorization header, None when there is no such header."""
    header = get_authorization_header(request).split()
    if not header or header[0].lower() != b"bearer":
        return None
    if len(header) != 2:
        raise exceptions.AuthenticationFailed("Malformed Authorization header.")
    try:
        return header[1].decode("ascii")
    except UnicodeDecodeError as exc:
        raise exceptions.AuthenticationFailed("Malformed Authorization header.") from exc


def _token_caller(token) -> Caller:
    grant = token.grant
    return Caller(grant.application, grant.account, parse_scope(token.scope))


class _BearerAuthentication(BaseAuthentication):
    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class AccessTokenAuthentication(_BearerAuthentication):
    def authenticate(self, request):
        raw = bearer_credential(request)
        if raw is None:
            return None
        token = access_token_lookup(raw=raw)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked access token.")
        return _token_caller(token), token


class ApiKeyAuthentication(_BearerAuthentication):
    def authenticate(self, request):
        raw = bearer_credential(request)
        if raw is None:
            return None
        application = application_for_secret(raw=raw)
        if application is None:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        return Caller(application), None


class AccessTokenOrApiKeyAuthentication(_BearerAuthentication):
    def authenticate(self, request):
        raw = bearer_credential(request)
        if raw is None:
            return None
        token = access_token_lookup(raw=raw)
        if token is not None:
            return _token_caller(token), token
        application = application_for_secret(raw=raw)
        if application is not None:
            return Caller(application), None
        raise exceptions.AuthenticationFailed("Invalid access token or API key.")


class IsAuthenticatedAccount(BasePermission):
    """An account's access token, holding the scope the view names for this method.

    Views declare `required_scopes = {"GET": "read_events", "POST": "create_event", ...}`.
    """

    def has_permission(self, request, view) -> bool:
        caller = request.user
        if not isinstance(caller, Caller):
            raise exceptions.NotAuthenticated("Authentication credentials were not provided.")
        if caller.account is None:
            raise Forbidden("This call needs an account's access token, not an API key.")
        # HEAD runs the GET handler, so it needs GET's scope.
        method = "GET" if request.method == "HEAD" else request.method
        needed = getattr(view, "required_scopes", {}).get(method)
        if needed and not scope_allows(caller.scopes, needed):
            raise Forbidden(
                f"The access token lacks the {needed!r} scope.", code="insufficient_scope"
            )
        return True


class IsAuthenticatedApplication(BasePermission):
    """Any authenticated caller: the API key, or an access token (which names its application)."""

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.user, Caller):
            raise exceptions.NotAuthenticated("Authentication credentials were not provided.")
        return True
