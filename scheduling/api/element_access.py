"""The views Cronofy's UI Elements call: what they take an element token for, and CORS.

Element tokens authenticate only on the views that say so (ElementTokenAuthentication among their
authentication classes, `element_permissions` naming what each method needs); the mixins here
set that up. CORS, for pages of another origin than the API's:

The Elements send every call with a `Cronofy-Element` header (and POSTs with a JSON Content-Type),
so the browser first sends a preflight OPTIONS to the same URL, query string included: the element
token in `?et=` is there, credentials in headers never are. An origin is allowed only by a live
element token issued for exactly that origin, on a view that takes element tokens, and only for
that request: no other origin, no request without a valid token, gets any CORS header. Allowance
is per token, so django-cors-headers' per-site origin lists do not fit.

The decision rides on the authentication the view already ran: ElementTokenAuthentication puts the
ElementGrant in `request.auth`, which DRF copies onto the Django request once authentication has
run (a request refused before it, or with a bad token, has none). The preflight itself passes
ElementTokenPermission (which refuses another Origin) and answers 204; the actual request's answer,
errors included, carries the same Access-Control-Allow-Origin so the Element can read a 422.
"""

from django.utils.cache import patch_vary_headers
from rest_framework.response import Response

from scheduling.api.authentication import (
    AccessTokenAuthentication,
    ElementTokenAuthentication,
    ElementTokenPermission,
    IsAuthenticatedAccount,
)
from scheduling.models import ElementToken
from scheduling.selectors.credentials import ElementGrant

# What each view's methods take, as views name it in `element_permissions`.
AGENDA = frozenset({ElementToken.Permission.AGENDA.value})
AVAILABILITY = frozenset({ElementToken.Permission.AVAILABILITY.value})
MANAGED_AVAILABILITY = frozenset({ElementToken.Permission.MANAGED_AVAILABILITY.value})
# Userinfo: the Agenda reads it, and so does AvailabilityRules (the calendars a rule may name).
USERINFO = AGENDA | MANAGED_AVAILABILITY | {ElementToken.Permission.ACCOUNT_MANAGEMENT.value}

ALLOW_HEADERS = "Cronofy-Element, Content-Type"
# Seconds a browser may reuse a preflight's answer: short, as the token's own life is short.
PREFLIGHT_MAX_AGE = "600"


class ElementCors:
    """Mixin for APIViews whose authentication includes ElementTokenAuthentication and whose
    permissions include ElementTokenPermission: preflights, and CORS headers on every answer."""

    element_permissions: dict[str, frozenset[str]] = {}

    def options(self, request, *args, **kwargs) -> Response:
        # Authentication and permissions already ran (APIView.initial); nothing else to say.
        return Response(status=204)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers differ by Origin: a cache must not hand one origin's allowance to another.
        patch_vary_headers(response, ("Origin",))
        grant = getattr(request._request, "auth", None)
        origin = request.headers.get("Origin")
        if not isinstance(grant, ElementGrant) or origin != grant.origin:
            return response
        response["Access-Control-Allow-Origin"] = origin
        if request.method == "OPTIONS":
            methods = [*self.element_permissions, "OPTIONS"]
            response["Access-Control-Allow-Methods"] = ", ".join(methods)
            response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return response


class AccountOrElementToken(ElementCors):
    """Mixin for views of one account: its access token, or an element token acting for its first
    sub (the Elements name no account on these calls)."""

    authentication_classes = [AccessTokenAuthentication, ElementTokenAuthentication]
    permission_classes = [ElementTokenPermission | IsAuthenticatedAccount]
