"""/sync/connect/: a signed-in person's calendar connections.

The page lists the person's connections (state, last sync, last error) and offers: Google and
Microsoft through django-allauth (a POST to the provider's login URL with process=connect; the
receivers in calendars_sync/allauth.py turn the consent into a connection), a CalDAV server and
an ICS feed (forms checked for shape here, then by the connect services, which ask the server
before saving anything), and a disconnect button per connection. Every change is a POST with
Django's CSRF check; a person reaches only their own account's connections (another's id is a
404, as a missing one is).

The Google and Microsoft buttons post here-and-away: allauth answers with a redirect to the
provider's consent page, and Chromium checks the CSP's form-action against that redirect too, so
the page's policy names the providers' origins (as scheduling/pages/authorize.py does for its
redirect URI).
"""

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.urls import reverse
from django.utils.csp import CSP, build_policy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from calendars_sync.access import connections_listed
from calendars_sync.forms import CalDAVConnectForm, IcsConnectForm
from calendars_sync.models import Connection, Provider
from calendars_sync.services.connect import caldav_connect, connection_remove, ics_connect
from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import Account
from scheduling.pages.forms import form_add_errors
from scheduling.pages.redirects import redirect_uri_source
from scheduling.services.accounts import user_account_ensure

OAUTH_PROVIDERS = (
    (Provider.GOOGLE, "Connect Google", "GOOGLE_OAUTH_AUTHORIZE_URL"),
    (Provider.MICROSOFT, "Connect Microsoft", "MICROSOFT_OAUTH_AUTHORIZE_URL"),
)


def _oauth_buttons(request: HttpRequest) -> list[dict]:
    """The providers with an OAuth app configured (settings or admin), with allauth's login
    URL for connecting one to the signed-in person."""
    adapter = get_social_adapter(request)
    buttons = []
    for provider_id, label, setting in OAUTH_PROVIDERS:
        if not adapter.list_apps(request, provider=provider_id):
            continue
        provider = adapter.get_provider(request, provider_id)
        url = provider.get_login_url(request, process="connect", next=reverse("sync-connect"))
        buttons.append({"label": label, "url": url, "target": getattr(settings, setting)})
    return buttons


def _allow_consent_targets(request: HttpRequest, response: HttpResponse, buttons) -> None:
    sources = {redirect_uri_source(button["target"]) for button in buttons} - {None}
    if sources:
        policy = settings.SECURE_CSP | {"form-action": [CSP.SELF, *sorted(sources)]}
        response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(policy, get_nonce(request))


def _page(
    request: HttpRequest,
    account: Account,
    caldav_form: CalDAVConnectForm | None = None,
    ics_form: IcsConnectForm | None = None,
) -> HttpResponse:
    buttons = _oauth_buttons(request)
    context = {
        "connections": list(connections_listed(account=account)),
        "oauth_buttons": buttons,
        "caldav_form": caldav_form or CalDAVConnectForm(),
        "ics_form": ics_form or IcsConnectForm(),
    }
    response = render(request, "calendars_sync/connect.html", context)
    _allow_consent_targets(request, response, buttons)
    return response


def _account(request: HttpRequest) -> Account:
    return user_account_ensure(user=request.user)


@never_cache
@login_required
@require_GET
def connect_page(request: HttpRequest) -> HttpResponse:
    return _page(request, _account(request))


def _connect(request: HttpRequest, form, connect, form_name: str) -> HttpResponse:
    """A connect form's POST: the form checks shape, `connect(account, cleaned_data)` (a
    service call) decides; back to the page on success, the page with the form's errors else."""
    account = _account(request)
    if form.is_valid():
        try:
            connection = connect(account, form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, f"Connected {connection.external_account}.")
            return HttpResponseRedirect(reverse("sync-connect"))
    return _page(request, account, **{form_name: form})


@never_cache
@login_required
@require_POST
def caldav_connect_page(request: HttpRequest) -> HttpResponse:
    def connect(account: Account, data: dict) -> Connection:
        return caldav_connect(
            account=account,
            url=data["server_url"],
            username=data["username"],
            password=data["password"],
        )

    return _connect(request, CalDAVConnectForm(request.POST), connect, "caldav_form")


@never_cache
@login_required
@require_POST
def ics_connect_page(request: HttpRequest) -> HttpResponse:
    def connect(account: Account, data: dict) -> Connection:
        return ics_connect(account=account, url=data["url"])

    return _connect(request, IcsConnectForm(request.POST), connect, "ics_form")


@never_cache
@login_required
@require_POST
def disconnect_page(request: HttpRequest, connection_id: str) -> HttpResponse:
    try:
        connection_remove(account=_account(request), connection_id=connection_id)
    except NotFound as exc:
        raise Http404(exc.description) from exc
    messages.success(request, "Disconnected.")
    return HttpResponseRedirect(reverse("sync-connect"))
