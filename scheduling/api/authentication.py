"""Authentication, one class per kind of credential, all resolving to a Caller.

- AccessTokenAuthentication: `Authorization: Bearer <access token>` (an account's).
- ApiKeyAuthentication: `Authorization: Bearer <client secret>` (the application's API key).
- AccessTokenOrApiKeyAuthentication: either (availability queries accept both).
- ElementTokenAuthentication: `?et=<element token>` in the query string, as Cronofy's UI Elements
  send it (never as a header), on the few views the Elements call. Its caller is the token's
  application acting for the token's first sub; `request.auth` is the ElementGrant, whose
  permissions ElementTokenPermission checks against the view's `element_permissions`.
- ClientCredentialsAuthentication: client_id + client_secret in the body (JSON or form-encoded),
  or HTTP Basic when the body carries neither (/oauth/token, /oauth/token/revoke,
  /v1/application_calendars). It ignores `Authorization: Bearer ...`, which pycronofy sends on
  those calls too (its current access token, or the string "None").

Failed credentials are rate limited (scheduling/ratelimit.py): a caller locked out gets a 429
before its credentials are looked at, and each failure is counted; a working credential never is.
"""

import base64
import binascii
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

from django.utils import timezone
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from scheduling.api.errors import RateLimited
from scheduling.api.fields import optional_text
from scheduling.api.params import query_params
from scheduling.errors import Forbidden
from scheduling.models import Account, Application
from scheduling.ratelimit import (
    API_CREDENTIALS,
    CLIENT_CREDENTIALS,
    Guard,
    attempt_failure_record,
    attempt_lockout,
    client_ip,
)
from scheduling.scopes import parse_scope, scope_allows
from scheduling.selectors.credentials import (
    ElementGrant,
    access_token_lookup,
    application_for_client_credentials,
    application_for_secret,
    element_token_lookup,
)


@dataclass(frozen=True)
class Caller:
    """The authenticated party of an API request (DRF's request.user)."""

    application: Application
    account: Account | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    is_authenticated = True


@contextmanager
def failures_limited(request, guard: Guard, identity: str = "") -> Iterator[None]:
    """Refuse (429) while the caller is locked out of `guard`; count an AuthenticationFailed
    raised inside as one failure of `identity` (a client_id; empty for bearer credentials)."""
    now = timezone.now()
    ip = client_ip(request)
    lockout = attempt_lockout(guard=guard, ip=ip, identity=identity, now=now)
    if lockout is not None:
        raise RateLimited(retry_after=lockout.retry_after, description=lockout.description)
    try:
        yield
    except exceptions.AuthenticationFailed:
        attempt_failure_record(guard=guard, ip=ip, identity=identity, now=now)
        raise


def has_bearer_header(request) -> bool:
    header = get_authorization_header(request).split()
    return bool(header) and header[0].lower() == b"bearer"


def bearer_credential(request) -> str | None:
    """The token of a `Bearer` Authorization header, None when there is no such header."""
    if not has_bearer_header(request):
        return None
    header = get_authorization_header(request).split()
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
    """A `Bearer` credential, failures limited per client address. Subclasses define
    `resolve(raw)`: (caller, auth) for the credential, AuthenticationFailed when it names nothing
    live."""

    resolve: Callable[[str], tuple[Caller, object]]

    def authenticate(self, request):
        if not has_bearer_header(request):
            return None
        with failures_limited(request, API_CREDENTIALS):
            return self.resolve(bearer_credential(request))

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class AccessTokenAuthentication(_BearerAuthentication):
    def resolve(self, raw: str) -> tuple[Caller, object]:
        token = access_token_lookup(raw=raw)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked access token.")
        return _token_caller(token), token


class ApiKeyAuthentication(_BearerAuthentication):
    def resolve(self, raw: str) -> tuple[Caller, object]:
        application = application_for_secret(raw=raw)
        if application is None:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        return Caller(application), None


class AccessTokenOrApiKeyAuthentication(_BearerAuthentication):
    def resolve(self, raw: str) -> tuple[Caller, object]:
        token = access_token_lookup(raw=raw)
        if token is not None:
            return _token_caller(token), token
        application = application_for_secret(raw=raw)
        if application is not None:
            return Caller(application), None
        raise exceptions.AuthenticationFailed("Invalid access token or API key.")


class ElementTokenAuthentication(BaseAuthentication):
    """`?et=<token>`: an element token, failures limited per client address like bearer
    credentials. Not attempted when the query has no `et`; list it after the bearer classes, so
    that a request carrying both is the bearer's."""

    def authenticate(self, request):
        raw = query_params(request.query_params).get("et")
        if raw is None:
            return None
        with failures_limited(request, API_CREDENTIALS):
            grant = element_token_lookup(raw=raw)
            if grant is None:
                raise exceptions.AuthenticationFailed("Invalid or expired element token.")
        return Caller(grant.application, grant.accounts[0], grant.scopes), grant

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


def accounts_reached(request) -> tuple[Account, ...] | None:
    """The accounts the request's credential may query: an element token's subs, an access
    token's own account; None for the API key (every account the application sees)."""
    if isinstance(request.auth, ElementGrant):
        return request.auth.accounts
    account = request.user.account
    return None if account is None else (account,)


# client_id and client_secret in a request body; request serializers extend it (no docstring:
# drf-spectacular would show it as the description of every one of them).
class ClientCredentialsSerializer(serializers.Serializer):
    client_id = optional_text(200)
    client_secret = optional_text(200)


def basic_credentials(request) -> tuple[str, str] | None:
    """(client_id, client_secret) of an HTTP Basic Authorization header, None when absent or
    malformed."""
    header = get_authorization_header(request).split()
    if len(header) != 2 or header[0].lower() != b"basic":
        return None
    try:
        decoded = base64.b64decode(header[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, client_secret = decoded.partition(":")
    if not sep:
        return None
    # RFC 6749 2.3.1: both parts are form-urlencoded before they are joined.
    return unquote_plus(client_id), unquote_plus(client_secret)


class ClientCredentialsAuthentication(BaseAuthentication):
    """The application's client_id and client_secret: in the body, else as HTTP Basic.

    The body is read (and its credential fields checked for shape: a body that is not an object
    is a 400/422, as the view's own serializer would answer) before anything else of the request.
    Missing or wrong credentials always fail: these views have nothing to show anonymously.
    """

    def authenticate(self, request):
        params = ClientCredentialsSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        client_id = params.validated_data["client_id"]
        client_secret = params.validated_data["client_secret"]
        if not client_id and not client_secret:
            client_id, client_secret = basic_credentials(request) or ("", "")
        if not client_id and not client_secret:  # nothing presented: nothing to count
            raise exceptions.AuthenticationFailed("Invalid client credentials.")
        with failures_limited(request, CLIENT_CREDENTIALS, identity=client_id):
            application = application_for_client_credentials(
                client_id=client_id, client_secret=client_secret
            )
            if application is None:
                raise exceptions.AuthenticationFailed("Invalid client credentials.")
        return Caller(application), None

    def authenticate_header(self, request) -> str:
        return 'Basic realm="oauth"'


def _refuse_element_tokens(request) -> None:
    """Element tokens pass ElementTokenPermission only: a view that lists their authentication
    but not that permission must not let them through on its other checks."""
    if isinstance(request.auth, ElementGrant):
        raise Forbidden("This call does not take an element token.")


def _method(request) -> str:
    # HEAD runs the GET handler, so it needs what GET needs.
    return "GET" if request.method == "HEAD" else request.method


class IsAuthenticatedAccount(BasePermission):
    """An account's access token, holding the scope the view names for this method.

    Views declare `required_scopes = {"GET": "read_events", "POST": "create_event", ...}`.
    """

    def has_permission(self, request, view) -> bool:
        caller = request.user
        if not isinstance(caller, Caller):
            raise exceptions.NotAuthenticated("Authentication credentials were not provided.")
        _refuse_element_tokens(request)
        if caller.account is None:
            raise Forbidden("This call needs an account's access token, not an API key.")
        needed = getattr(view, "required_scopes", {}).get(_method(request))
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
        _refuse_element_tokens(request)
        return True


class ElementTokenPermission(BasePermission):
    """An element token holding a permission the view names for this method, for an account the
    application may do this for; False for any other credential, so that
    `ElementTokenPermission | IsAuthenticatedAccount` falls through to the usual check.

    Views declare `element_permissions = {"GET": frozenset({"agenda"}), ...}`; a method not named
    is refused (a 403), except OPTIONS, a CORS preflight (api/element_access.py). The view's
    `required_scopes` still apply, to what the application may do for the token's first sub
    (ElementGrant.scopes): an element token never reaches further than an access token of the
    same application for that account would. A request whose Origin header is not the token's
    origin is refused too; browsers never get that far (CORS), other clients may forge it.
    """

    def has_permission(self, request, view) -> bool:
        grant = request.auth
        if not isinstance(grant, ElementGrant):
            return False
        origin = request.headers.get("Origin")
        if origin is not None and origin != grant.origin:
            raise Forbidden("The element token is for another origin.", code="origin_not_allowed")
        method = _method(request)
        if method == "OPTIONS":
            return True
        allowed = view.element_permissions.get(method)
        if not allowed:
            raise Forbidden(f"{method} here takes no element token.")
        if not allowed & grant.permissions:
            names = " or ".join(repr(name) for name in sorted(allowed))
            raise Forbidden(
                f"The element token lacks the {names} permission.", code="insufficient_permission"
            )
        needed = getattr(view, "required_scopes", {}).get(method)
        if needed and not scope_allows(request.user.scopes, needed):
            raise Forbidden(
                f"{request.user.account.sub!r} has not granted this application the {needed!r} "
                "scope.",
                code="insufficient_scope",
            )
        return True
