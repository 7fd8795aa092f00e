"""Pages whose form is answered with a redirect to another site: the URL, and the policy.

Two pages post a form and answer it with a redirect to a URL an integrator registered or gave
through the authenticated API (never one the visitor can choose, so no open redirect): the OAuth
consent page (its redirect URI) and the booking confirmation (bookings/pages/confirm.py: the
request's redirect URL). Chromium checks the Content-Security-Policy's form-action against the
redirect that answers a form's POST too, so such a page's policy names the target's origin.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils.csp import CSP, build_policy

# A CSP source expression: `scheme:` or `scheme://host[:port]`, nothing that could end a directive.
_CSP_SOURCE = re.compile(r"[a-z][a-z0-9+.-]*:(//([a-z0-9.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?)?")


def redirect_uri_with(redirect_uri: str, params: dict[str, str]) -> str:
    """`redirect_uri` with `params` added to the query it already has (empty values left out)."""
    parts = urlsplit(redirect_uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(key, value) for key, value in params.items() if value]
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


def redirect_uri_source(redirect_uri: str) -> str | None:
    """The CSP source that allows `redirect_uri` as a form target: its origin, or its scheme for
    a URI without a host (`com.example.app:/callback`); None if it cannot be written safely."""
    parts = urlsplit(redirect_uri)
    scheme = parts.scheme.lower()
    host = parts.netloc.rpartition("@")[2].lower()
    source = f"{scheme}://{host}" if host else f"{scheme}:"
    return source if _CSP_SOURCE.fullmatch(source) else None


def allow_form_target(request: HttpRequest, response: HttpResponse, redirect_uri: str) -> None:
    """Widen the response's form-action to `redirect_uri`'s origin (nothing if it cannot be
    written safely: the redirect is then refused by the browser rather than the policy broken)."""
    source = redirect_uri_source(redirect_uri)
    if source is None:
        return
    policy = settings.SECURE_CSP | {"form-action": [CSP.SELF, source]}
    # The CSP middleware leaves a header the view has set alone.
    response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(policy, get_nonce(request))
