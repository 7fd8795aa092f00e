"""Admin writes: creating applications, adding and revoking secrets, revoking grants."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from scheduling.models import Account, Application, ApplicationSecret, Event, Grant
from scheduling.selectors.credentials import (
    access_token_lookup,
    application_for_client_credentials,
    application_for_secret,
)
from tests.factories import make_account, make_event, make_tokens, make_user, primary_calendar

pytestmark = pytest.mark.django_db

SECRET_MESSAGE = re.compile(r"New client secret for “(?P<name>[^”]+)”: (?P<secret>\S+) — copy it")
ADD_URL = reverse("admin:scheduling_application_add")
APPS_URL = reverse("admin:scheduling_application_changelist")
START = dt.datetime(2024, 7, 27, 9, tzinfo=dt.UTC)
END = START + dt.timedelta(hours=1)
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def handed_over_secrets(response) -> list[str]:
    texts = [str(message) for message in response.context["messages"]]
    return [match["secret"] for text in texts if (match := SECRET_MESSAGE.search(text))]


def app_change_url(application: Application) -> str:
    return reverse("admin:scheduling_application_change", args=[application.pk])


def add_form(**changes) -> dict:
    data = {
        "name": "Beta Corp",
        "redirect_uris": "https://beta.test/callback",
        "is_active": "on",
        # The read-only secrets inline still posts its (empty) management form.
        "secrets-TOTAL_FORMS": "0",
        "secrets-INITIAL_FORMS": "0",
        "secrets-MIN_NUM_FORMS": "0",
        "secrets-MAX_NUM_FORMS": "0",
    }
    data.update(changes)
    return data


def test_adding_an_application_hands_over_its_first_secret_once(admin_client):
    response = admin_client.post(ADD_URL, add_form(), follow=True)
    assert response.status_code == 200
    application = Application.objects.get(name="Beta Corp")
    [secret] = handed_over_secrets(response)
    found = application_for_client_credentials(
        client_id=application.client_id, client_secret=secret
    )
    assert found == application
    assert application.allowed_redirect_uris() == ["https://beta.test/callback"]
    for url in (APPS_URL, app_change_url(application)):
        later = admin_client.get(url)
        assert handed_over_secrets(later) == []
        assert secret not in later.text
    prefix = application.secrets.get().secret_prefix
    assert f"{prefix}…" in admin_client.get(app_change_url(application)).text


def test_add_secret_action_from_the_list(admin_client, app_creds):
    application = app_creds.application
    response = admin_client.post(
        APPS_URL,
        {"action": "add_client_secret", "_selected_action": [application.pk]},
        follow=True,
    )
    [secret] = handed_over_secrets(response)
    assert secret != app_creds.client_secret
    assert application_for_secret(raw=secret) == application
    assert application_for_secret(raw=app_creds.client_secret) == application
    assert application.secrets.filter(revoked_at__isnull=True).count() == 2
    assert secret not in admin_client.get(APPS_URL).text


def test_add_secret_action_from_the_change_page(admin_client, app_creds):
    application = app_creds.application
    url = app_change_url(application)
    assert 'value="add_client_secret"' in admin_client.get(url).text
    response = admin_client.post(
        url,
        {"CHANGE_FORM-action": "add_client_secret", "_selected_action": [application.pk]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    [secret] = handed_over_secrets(response)
    assert application_for_secret(raw=secret) == application


def test_changing_an_application_adds_no_secret(admin_client, app_creds):
    application = app_creds.application
    form = add_form(name="Renamed", **{"secrets-TOTAL_FORMS": "1", "secrets-INITIAL_FORMS": "1"})
    form["secrets-0-id"] = str(application.secrets.get().pk)
    form["secrets-0-application"] = str(application.pk)
    response = admin_client.post(app_change_url(application), form, follow=True)
    assert response.status_code == 200
    assert handed_over_secrets(response) == []
    application.refresh_from_db()
    assert application.name == "Renamed"
    assert application.secrets.count() == 1


def test_admin_saves_stamp_the_application(admin_client):
    admin_client.post(ADD_URL, add_form())
    application = Application.objects.get(name="Beta Corp")
    created = application.created_at
    assert application.updated_at == created == application.secrets.get().created_at
    Application.objects.filter(pk=application.pk).update(created_at=LONG_AGO, updated_at=LONG_AGO)
    form = add_form(name="Renamed", **{"secrets-TOTAL_FORMS": "1", "secrets-INITIAL_FORMS": "1"})
    form["secrets-0-id"] = str(application.secrets.get().pk)
    form["secrets-0-application"] = str(application.pk)
    admin_client.post(app_change_url(application), form)
    application.refresh_from_db()
    assert application.created_at == LONG_AGO
    assert application.updated_at >= created


def test_revoke_secret_action(admin_client, app_creds):
    application = app_creds.application
    secret = application.secrets.get()
    response = admin_client.post(
        reverse("admin:scheduling_applicationsecret_changelist"),
        {"action": "revoke", "_selected_action": [secret.pk]},
    )
    assert response.status_code == 302
    secret.refresh_from_db()
    assert secret.revoked_at is not None
    assert application_for_secret(raw=app_creds.client_secret) is None


def test_revoke_grant_action_revokes_its_tokens(admin_client, app_creds, account, tokens):
    other = make_tokens(app_creds.application, make_account(app_creds.application))
    response = admin_client.post(
        reverse("admin:scheduling_grant_changelist"),
        {"action": "revoke", "_selected_action": [tokens.grant.pk]},
    )
    assert response.status_code == 302
    assert Grant.objects.get(pk=tokens.grant.pk).revoked_at is not None
    assert access_token_lookup(raw=tokens.access_token) is None
    assert access_token_lookup(raw=other.access_token) is not None


def test_staff_with_view_permission_only_cannot_revoke(client, app_creds, account, tokens):
    user = make_user("viewer")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_grant"))
    client.force_login(user)
    changelist = reverse("admin:scheduling_grant_changelist")
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "revoke", "_selected_action": [tokens.grant.pk]})
    assert Grant.objects.get(pk=tokens.grant.pk).revoked_at is None


def test_tenant_data_is_read_only(admin_client, account):
    event = make_event(primary_calendar(account), START, END)
    url = reverse("admin:scheduling_event_change", args=[event.pk])
    assert admin_client.post(url, {"summary": "Changed"}).status_code == 403
    assert Event.objects.get(pk=event.pk).summary == "Busy"
    assert admin_client.get(reverse("admin:scheduling_event_add")).status_code == 403
    delete = reverse("admin:scheduling_account_delete", args=[account.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Account.objects.filter(pk=account.pk).exists()


def test_applications_cannot_be_deleted_only_deactivated(admin_client, app_creds):
    application = app_creds.application
    delete = reverse("admin:scheduling_application_delete", args=[application.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Application.objects.filter(pk=application.pk).exists()
    assert ApplicationSecret.objects.filter(application=application).exists()


def test_handed_over_secret_never_travels_in_a_cookie(admin_client):
    redirect = admin_client.post(ADD_URL, add_form())
    assert redirect.status_code == 302
    [secret] = handed_over_secrets(admin_client.get(redirect["Location"]))
    assert secret
    # The redirect carries the message to the next page in the session; Django's default storage
    # would put it (compressed, signed, readable) in a "messages" cookie.
    assert "messages" not in redirect.cookies
