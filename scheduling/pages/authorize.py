"""GET/POST /oauth/authorize: the consent page of the authorization code flow (RFC 6749 4.1).

Until the client and its redirect URI are verified, problems are shown on an error page (400),
never redirected, so the endpoint cannot be used as an open redirector. After that, protocol
errors go back to the redirect URI as `error=...&state=...`.

The consent form posts here and is answered with a redirect to the integrator's redirect URI.
Chromium checks the Content-Security-Policy's form-action against that redirect too, so the
consent page's policy allows the (verified, registered) redirect URI's origin as a form target
(scheduling/pages/redirects.py).
"""

from urllib.parse import urlencode, urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from scheduling.errors import ValidationFailed
from scheduling.models import Application
from scheduling.pages.forms import form_errors
from scheduling.pages.oauth_forms import AuthorizationRequestForm, ConsentForm
from scheduling.pages.redirects import allow_form_target, redirect_uri_with
from scheduling.scopes import SCOPE_DESCRIPTIONS
from scheduling.services.oauth import (
    authorization_client_check,
    authorization_code_create,
    authorization_scope_check,
)

REQUEST_FIELDS = ("response_type", "client_id", "redirect_uri", "scope", "state")


def _error_page(request: HttpRequest, description: str) -> HttpResponse:
    return render(request, "oauth/error.html", {"description": description}, status=400)


def _first_error(exc: ValidationFailed) -> ValidationError:
    _field, error = form_errors(exc)[0]
    return error


def _authorize_url(data: dict) -> str:
    """The GET form of this request, for the login page's `next`."""
    query = urlencode({field: data[field] for field in REQUEST_FIELDS})
    return f"{reverse('oauth-authorize')}?{query}"


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    form_class = ConsentForm if request.method == "POST" else AuthorizationRequestForm
    form = form_class(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return _error_page(request, "The authorization request is incomplete or malformed.")
    data = form.cleaned_data
    redirect_uri, state = data["redirect_uri"], data["state"]
    try:
        application = authorization_client_check(
            client_id=data["client_id"], redirect_uri=redirect_uri
        )
    except ValidationFailed as exc:
        return _error_page(request, _first_error(exc).message)
    try:
        scope = authorization_scope_check(response_type=data["response_type"], scope=data["scope"])
    except ValidationFailed as exc:
        error = _first_error(exc).code
        return HttpResponseRedirect(
            redirect_uri_with(redirect_uri, {"error": error, "state": state})
        )
    if not request.user.is_authenticated:
        return redirect_to_login(_authorize_url(data), login_url=reverse("account_login"))
    if request.method == "GET":
        return _consent_page(request, application, data, scope)
    return _decision_redirect(request, application, data, scope)


def _consent_page(
    request: HttpRequest, application: Application, data: dict, scope: str
) -> HttpResponse:
    context = {
        "application": application,
        "scopes": [SCOPE_DESCRIPTIONS[name] for name in scope.split()],
        "redirect_host": urlsplit(data["redirect_uri"]).netloc or data["redirect_uri"],
        # The POST carries the checked request back; it is checked again there.
        "fields": {field: data[field] for field in REQUEST_FIELDS} | {"scope": scope},
    }
    response = render(request, "oauth/authorize.html", context)
    allow_form_target(request, response, data["redirect_uri"])
    return response


def _decision_redirect(
    request: HttpRequest, application: Application, data: dict, scope: str
) -> HttpResponse:
    redirect_uri, state = data["redirect_uri"], data["state"]
    if data["decision"] == "deny":
        params = {"error": "access_denied", "state": state}
    else:
        code = authorization_code_create(
            user=request.user, application=application, redirect_uri=redirect_uri, scope=scope
        )
        params = {"code": code, "state": state}
    return HttpResponseRedirect(redirect_uri_with(redirect_uri, params))
