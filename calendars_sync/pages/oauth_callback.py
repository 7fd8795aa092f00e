"""GET /sync/oauth/<provider>/callback: where Google and Microsoft send a resource back after it
followed its authorization link (calendars_sync/services/authorization.py).

The `state` is checked first: a forged, altered or expired one gets a 400 page saying the link
no longer works and to ask for a new one, and nothing changes. Then the provider's answer: a
code is exchanged and the connection activated (its first sync queued), and the browser goes to
the return URL; an error (the person refused: `access_denied`) goes to the return URL with
`error=<code>` added to its query. A code the provider refuses gets a 400 page.

The return URL is never taken from this request: it is the one inside the signed state, which
the integrator gave through the authenticated set-up API (validated there as an absolute http(s)
URL). That is what keeps this page from being an open redirector. Without a return URL, our own
page tells the person how it went.
"""

import logging
import re

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from calendars_sync.models import Provider
from calendars_sync.providers.base import SyncError
from calendars_sync.services.authorization import (
    LinkExpired,
    LinkInvalid,
    LinkState,
    authorization_complete,
    authorization_state_read,
)
from scheduling.pages.redirects import redirect_uri_with

logger = logging.getLogger(__name__)

PROVIDERS = {Provider.GOOGLE.value, Provider.MICROSOFT.value}
# OAuth error codes are short words (RFC 6749 4.1.2.1); anything else is reported generically.
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")
TEMPLATE = "calendars_sync/authorization_result.html"

EXPIRED = "This authorization link has expired. Please ask for a new link."
INVALID = "This authorization link is not valid. Please ask for a new link."
REFUSED = "The calendar provider did not confirm the authorization. Please try the link again."
DENIED = "The calendar was not connected: access was not granted."
CONNECTED = "Your calendar is connected. You can close this window."


def _page(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, TEMPLATE, {"message": message, "ok": status == 200}, status=status)


def _denied(request: HttpRequest, link: LinkState, error: str) -> HttpResponse:
    code = error if _ERROR_CODE.fullmatch(error) else "provider_error"
    if link.return_url:
        return HttpResponseRedirect(redirect_uri_with(link.return_url, {"error": code}))
    return _page(request, DENIED, status=400)


@never_cache
@require_GET
def oauth_callback(request: HttpRequest, provider: str) -> HttpResponse:
    if provider not in PROVIDERS:
        raise Http404
    try:
        link = authorization_state_read(state=request.GET.get("state", ""))
    except LinkExpired:
        return _page(request, EXPIRED, status=400)
    except LinkInvalid:
        return _page(request, INVALID, status=400)
    if request.GET.get("error"):
        return _denied(request, link, request.GET["error"])
    code = request.GET.get("code", "")
    if not code:
        return _page(request, REFUSED, status=400)
    try:
        authorization_complete(link=link, provider=provider, code=code)
    except LinkInvalid:
        return _page(request, INVALID, status=400)
    except SyncError as exc:  # the provider refused the code, or could not be reached
        logger.warning("authorization of %s not completed: %s", link.connection_id, exc)
        return _page(request, REFUSED, status=400)
    if link.return_url:
        return HttpResponseRedirect(link.return_url)
    return _page(request, CONNECTED, status=200)
