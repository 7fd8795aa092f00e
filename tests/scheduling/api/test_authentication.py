import datetime as dt

import pytest
from django.utils import timezone

from scheduling.models import AccessToken
from scheduling.services.tokens import grant_revoke
from tests.factories import make_account, make_tokens

pytestmark = pytest.mark.django_db


def test_account_read_with_access_token(api, account):
    response = api.call("GET", "/v1/account")
    assert response.status_code == 200
    assert response.json()["account"]["account_id"] == account.sub


@pytest.mark.parametrize(
    "header",
    [None, "Bearer None", "Bearer not-a-token", "Bearer", "Basic dXNlcjpwYXNz", "Bearer a b"],
)
def test_bad_or_missing_credentials_get_401_in_errors_shape(anon_api, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = anon_api.get("/v1/account", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["errors"]["base"][0]["key"] == "errors.unauthorized"


def test_expired_token_gets_401(api, tokens):
    AccessToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api.call("GET", "/v1/account").status_code == 401


def test_revoked_grant_gets_401(api, tokens):
    grant_revoke(grant=tokens.grant)
    assert api.call("GET", "/v1/account").status_code == 401


def test_api_key_is_not_an_account_token(anon_api, app_creds):
    response = anon_api.call("GET", "/v1/account", token=app_creds.client_secret)
    assert response.status_code == 401


def test_missing_scope_gets_403(anon_api, app_creds, account):
    tokens = make_tokens(app_creds.application, account, scope="read_events")
    response = anon_api.call("GET", "/v1/account", token=tokens.access_token)
    assert response.status_code == 403
    assert response.json()["errors"]["base"][0]["key"] == "errors.insufficient_scope"


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("/v1/account", "read_account"),
        ("/v1/events?tzid=Etc/UTC", "read_events"),
        ("/v1/calendars", "list_calendars"),
        ("/v1/availability_rules", "read_account"),
    ],
)
def test_head_needs_the_scope_of_get(anon_api, app_creds, account, path, scope):
    lacking = make_tokens(app_creds.application, account, scope="create_event").access_token
    response = anon_api.call("HEAD", path, token=lacking)
    assert response.status_code == 403
    holding = make_tokens(app_creds.application, account, scope=scope).access_token
    assert anon_api.call("HEAD", path, token=holding).status_code == 200


def test_tokens_are_stored_hashed(tokens):
    stored = AccessToken.objects.get(grant=tokens.grant)
    assert tokens.access_token not in {stored.token_hash, stored.token_prefix}
    assert len(stored.token_prefix) < len(tokens.access_token) // 4


def test_token_of_one_account_reads_only_that_account(app_creds, account):
    other = make_account(app_creds.application, name="Room B")
    other_tokens = make_tokens(app_creds.application, other)
    from tests.api_client import JsonClient

    response = JsonClient(other_tokens.access_token).call("GET", "/v1/account")
    assert response.json()["account"]["account_id"] == other.sub != account.sub
