"""POST /oauth/token/revoke over plain HTTP (RFC 7009)."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from scheduling.models import Grant
from tests.api_client import JsonClient
from tests.factories import make_account, make_application, make_tokens

pytestmark = pytest.mark.django_db


def revoke(creds, **fields):
    body = {"client_id": creds.application.client_id, "client_secret": creds.client_secret}
    return JsonClient().call("POST", "/oauth/token/revoke", body | fields)


def works(access_token: str) -> bool:
    return JsonClient(access_token).call("GET", "/v1/account").status_code == 200


def refresh_works(creds, refresh_token: str) -> bool:
    body = {
        "grant_type": "refresh_token",
        "client_id": creds.application.client_id,
        "client_secret": creds.client_secret,
        "refresh_token": refresh_token,
    }
    return JsonClient().call("POST", "/oauth/token", body).status_code == 200


@pytest.mark.parametrize("which", ["access_token", "refresh_token"])
def test_revoking_a_token_revokes_the_whole_grant(app_creds, account, tokens, which):
    sibling = make_tokens(app_creds.application, account)

    response = revoke(app_creds, token=getattr(tokens, which))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert not works(tokens.access_token)
    assert not works(sibling.access_token)
    assert not refresh_works(app_creds, sibling.refresh_token)
    assert Grant.objects.get(pk=tokens.grant.pk).revoked_at is not None


def test_revoking_by_sub(app_creds, account, tokens):
    assert revoke(app_creds, sub=account.sub).status_code == 200
    assert not works(tokens.access_token)


def test_revoke_accepts_a_form_encoded_body(app_creds, tokens):
    body = {
        "client_id": app_creds.application.client_id,
        "client_secret": app_creds.client_secret,
        "token": tokens.access_token,
    }
    response = Client().post(
        "/oauth/token/revoke",
        data=urlencode(body),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not works(tokens.access_token)


def test_unknown_token_is_still_200_and_changes_nothing(app_creds, tokens):
    assert revoke(app_creds, token="no-such-token").status_code == 200
    assert revoke(app_creds, sub="acc_nobody").status_code == 200
    assert works(tokens.access_token)


def test_another_applications_token_or_sub_is_left_alone(app_creds, account, tokens):
    other = make_application("Other")
    other_account = make_account(other.application)
    other_tokens = make_tokens(other.application, other_account)

    assert revoke(app_creds, token=other_tokens.access_token).status_code == 200
    assert revoke(app_creds, sub=other_account.sub).status_code == 200

    assert works(other_tokens.access_token)
    assert works(tokens.access_token)


def test_revoke_with_bad_client_credentials_is_401(app_creds, tokens):
    response = revoke(app_creds, token=tokens.access_token, client_secret="wrong")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert works(tokens.access_token)


def test_revoke_needs_a_token_or_sub(app_creds, tokens):
    response = revoke(app_creds)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert works(tokens.access_token)
