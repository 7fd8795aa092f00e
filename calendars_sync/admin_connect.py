"""The admin's "Add connection": staff connect an account to a CalDAV server or an ICS feed.

Mixed into the connection admin (calendars_sync/admin.py), it replaces the model form of "Add" with
this form, which calls the same connect services as the API and the person's page: the server is
asked with the credentials before anything is saved, and its refusal shows on the form's field.
Google and Microsoft are not connected here (they need the account holder's consent: the person's
page, or a resource's authorization link).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from calendars_sync.models import Provider
from calendars_sync.services.connect import TEXT_MAX, URL_MAX, caldav_connect, ics_connect
from scheduling.errors import ValidationFailed
from scheduling.models import Account
from scheduling.pages.forms import form_add_errors


class AdminConnectForm(forms.Form):
    account = forms.CharField(
        label="Account", max_length=40, help_text="Its id: acc_..., res_... or apc_..."
    )
    provider = forms.ChoiceField(
        choices=[(Provider.CALDAV.value, "CalDAV server"), (Provider.ICS.value, "ICS feed")]
    )
    url = forms.CharField(label="Server or feed URL", max_length=URL_MAX)
    username = forms.CharField(label="User name", max_length=TEXT_MAX, required=False)
    password = forms.CharField(
        label="(App) password",
        max_length=TEXT_MAX,
        required=False,
        strip=False,
        widget=forms.PasswordInput,
    )

    def clean_account(self) -> Account:
        sub = self.cleaned_data["account"].strip()
        account = Account.objects.filter(sub=sub).first()
        if account is None:
            raise forms.ValidationError(f"No account {sub!r}.", code="not_found")
        return account


class ConnectAdminMixin:
    """For the connection ModelAdmin: "Add" shows AdminConnectForm."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("calendars_sync.add_connection")

    def add_view(self, request: HttpRequest, form_url="", extra_context=None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AdminConnectForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            connection = _connect(form)
            if connection is not None:
                messages.success(request, f"Connected {connection}.")
                url = reverse("admin:calendars_sync_connection_change", args=[connection.pk])
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Add a CalDAV or ICS connection",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "calendars_sync/connect_admin.html", context)


def _connect(form: AdminConnectForm):
    """The connection, or None with the service's refusal added to the form."""
    data = form.cleaned_data
    connect = caldav_connect if data["provider"] == Provider.CALDAV else ics_connect
    try:
        return connect(
            account=data["account"],
            url=data["url"],
            username=data["username"],
            password=data["password"],
        )
    except ValidationFailed as exc:
        form_add_errors(form, exc, fields={"server_url": "url"})
        return None
