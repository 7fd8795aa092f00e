"""POST /oauth/token over plain HTTP: the authorization_code and refresh_token grants."""

import base64
import datetime as dt
import logging
from urllib.parse import quote_plus, urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from scheduling.models import AccessToken, Application, AuthorizationCode, RefreshToken
from scheduling.scopes import DEFAULT_SCOPE
from scheduling.services.applications import application_secret_revoke
from scheduling.services.oauth import authorization_code_create
from scheduling.services.tokens import grant_revoke
from tests.api_client import JsonClient
from tests.factories import REDIRECT_URI, make_application, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return make_user("alice")


@pytest.fixture
def issue_code(app_creds, user):
    def issue(application=None, redirect_uri=REDIRECT_URI, now=None) -> str:
        return authorization_code_create(
            user=user,
            application=application or app_creds.application,
            redirect_uri=redirect_uri,
            scope=DEFAULT_SCOPE,
            now=now,
        )

    return issue


def code_body(app_creds, code: str, /, **overrides) -> dict:
    body = {
        "grant_type": "authorization_code",
        "client_id": app_creds.application.client_id,
        "client_secret": app_creds.client_secret,
        "code": code,
        "redirect_uri": REDIRECT_URI,
    }
    return body | overrides


def refresh_body(app_creds, refresh_token: str) -> dict:
    return {
        "grant_type": "refresh_token",
        "client_id": app_creds.application.client_id,
        "client_secret": app_creds.client_secret,
        "refresh_token": refresh_token,
    }


def post_token(body, **extra):
    return JsonClient().call("POST", "/oauth/token", body, **extra)


def account_status(access_token: str) -> int:
    return JsonClient(access_token).call("GET", "/v1/account").status_code


def assert_oauth_error(response, status: int, error: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == error
    assert isinstance(body["error_description"], str)
    assert body["error_description"]


def assert_nothing_issued() -> None:
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.exists()


def test_code_exchange_returns_documented_token_response(app_creds, user, issue_code):
    response = post_token(code_body(app_creds, issue_code()), HTTP_AUTHORIZATION="Bearer None")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    account = user.scheduling_account
    profile = account.profiles.get()
    assert body == {
        "token_type": "bearer",
        "access_token": body["access_token"],
        "expires_in": settings.ACCESS_TOKEN_LIFETIME_SECONDS,
        "refresh_token": body["refresh_token"],
        "scope": DEFAULT_SCOPE,
        "account_id": account.sub,
        "sub": account.sub,
        "linking_profile": {
            "provider_name": "cronofy",
            "profile_id": profile.profile_id,
            "profile_name": profile.profile_name,
        },
    }
    assert account.sub.startswith("acc_")
    assert account_status(body["access_token"]) == 200


def test_code_exchange_accepts_a_form_encoded_body(app_creds, issue_code):
    response = Client().post(
        "/oauth/token",
        data=urlencode(code_body(app_creds, issue_code())),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert account_status(response.json()["access_token"]) == 200


def test_code_exchange_accepts_http_basic_client_credentials(app_creds, issue_code):
    body = code_body(app_creds, issue_code())
    client_id, client_secret = body.pop("client_id"), body.pop("client_secret")
    pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}".encode()
    basic = "Basic " + base64.b64encode(pair).decode()

    response = post_token(body, HTTP_AUTHORIZATION=basic)

    assert response.status_code == 200


@pytest.mark.parametrize("header", ["Basic !!!", "Basic " + base64.b64encode(b"no-colon").decode()])
def test_malformed_http_basic_is_invalid_client(app_creds, issue_code, header):
    body = code_body(app_creds, issue_code())
    del body["client_id"], body["client_secret"]

    assert_oauth_error(post_token(body, HTTP_AUTHORIZATION=header), 401, "invalid_client")
    assert_nothing_issued()


def test_bearer_header_is_ignored_by_the_token_endpoint(app_creds, issue_code):
    # pycronofy sends its current access token (or "None"); a garbage one must not matter.
    response = post_token(code_body(app_creds, issue_code()), HTTP_AUTHORIZATION="Bearer junk")
    assert response.status_code == 200


def test_second_use_of_a_code_fails_and_revokes_the_tokens_it_gave(app_creds, issue_code):
    code = issue_code()
    first = post_token(code_body(app_creds, code)).json()
    assert account_status(first["access_token"]) == 200

    second = post_token(code_body(app_creds, code))

    assert_oauth_error(second, 400, "invalid_grant")
    assert account_status(first["access_token"]) == 401
    refreshed = post_token(refresh_body(app_creds, first["refresh_token"]))
    assert_oauth_error(refreshed, 400, "invalid_grant")


def test_expired_code_is_invalid_grant(app_creds, issue_code):
    lifetime = dt.timedelta(seconds=settings.AUTHORIZATION_CODE_LIFETIME_SECONDS)
    code = issue_code(now=timezone.now() - lifetime - dt.timedelta(seconds=1))

    response = post_token(code_body(app_creds, code))

    assert_oauth_error(response, 400, "invalid_grant")
    assert_nothing_issued()
    assert AuthorizationCode.objects.get().used_at is None


def test_code_lives_until_its_lifetime_ends(app_creds, issue_code):
    lifetime = dt.timedelta(seconds=settings.AUTHORIZATION_CODE_LIFETIME_SECONDS)
    code = issue_code(now=timezone.now() - lifetime + dt.timedelta(seconds=30))
    assert post_token(code_body(app_creds, code)).status_code == 200


def test_redirect_uri_must_match_the_one_the_code_was_issued_for(app_creds, issue_code):
    code = issue_code()

    response = post_token(code_body(app_creds, code, redirect_uri=REDIRECT_URI + "/other"))

    assert_oauth_error(response, 400, "invalid_grant")
    assert_nothing_issued()
    assert post_token(code_body(app_creds, code)).status_code == 200


def test_code_of_another_application_is_invalid_grant(app_creds, issue_code):
    other = make_application("Other")
    code = issue_code()

    response = post_token(code_body(other, code))

    assert_oauth_error(response, 400, "invalid_grant")
    assert_nothing_issued()
    assert post_token(code_body(app_creds, code)).status_code == 200


def test_unknown_code_is_invalid_grant(app_creds, issue_code):
    issue_code()
    assert_oauth_error(post_token(code_body(app_creds, "made-up")), 400, "invalid_grant")
    assert_nothing_issued()


def test_code_of_a_since_revoked_grant_is_invalid_grant(app_creds, user, issue_code):
    code = issue_code()
    grant_revoke(grant=user.scheduling_account.grants.get())

    assert_oauth_error(post_token(code_body(app_creds, code)), 400, "invalid_grant")
    assert_nothing_issued()


def _wrong_secret(creds, body):
    body["client_secret"] = "wrong"


def _wrong_client_id(creds, body):
    body["client_id"] = "wrong"


def _missing_credentials(creds, body):
    del body["client_id"], body["client_secret"]


def _other_apps_secret(creds, body):
    body["client_secret"] = make_application("Other").client_secret


def _revoked_secret(creds, body):
    application_secret_revoke(secret=creds.application.secrets.get())


def _inactive_application(creds, body):
    Application.objects.filter(pk=creds.application.pk).update(is_active=False)


@pytest.mark.parametrize(
    "spoil",
    [
        _wrong_secret,
        _wrong_client_id,
        _missing_credentials,
        _other_apps_secret,
        _revoked_secret,
        _inactive_application,
    ],
)
def test_bad_client_credentials_are_invalid_client(app_creds, issue_code, spoil):
    body = code_body(app_creds, issue_code())
    spoil(app_creds, body)

    response = post_token(body)

    assert_oauth_error(response, 401, "invalid_client")
    assert response["WWW-Authenticate"].startswith("Basic")
    assert_nothing_issued()
    assert AuthorizationCode.objects.get().used_at is None


def test_unsupported_grant_type(app_creds, issue_code):
    response = post_token(code_body(app_creds, issue_code(), grant_type="password"))
    assert_oauth_error(response, 400, "unsupported_grant_type")
    assert_nothing_issued()


@pytest.mark.parametrize("missing", ["grant_type", "code", "redirect_uri"])
def test_missing_parameters_are_invalid_request(app_creds, issue_code, missing):
    body = code_body(app_creds, issue_code())
    del body[missing]

    response = post_token(body)

    assert_oauth_error(response, 400, "invalid_request")
    assert missing in response.json()["error_description"]
    assert_nothing_issued()


def test_refresh_token_grant_needs_the_refresh_token(app_creds):
    body = refresh_body(app_creds, "")
    assert_oauth_error(post_token(body), 400, "invalid_request")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"grant_type": "authorization_code",', "application/json"),
        ("[1, 2]", "application/json"),
        ("grant_type=authorization_code", "text/plain"),
    ],
)
def test_unreadable_bodies_are_invalid_request(app_creds, body, content_type):
    response = Client().post("/oauth/token", data=body, content_type=content_type)
    assert_oauth_error(response, 400, "invalid_request")


def test_non_string_parameter_is_invalid_request(app_creds, issue_code):
    response = post_token(code_body(app_creds, issue_code(), code={"a": 1}))
    assert_oauth_error(response, 400, "invalid_request")
    assert_nothing_issued()


def test_refresh_rotates_the_refresh_token(app_creds, issue_code):
    first = post_token(code_body(app_creds, issue_code())).json()

    response = post_token(refresh_body(app_creds, first["refresh_token"]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    second = response.json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["sub"] == first["sub"]
    assert second["scope"] == DEFAULT_SCOPE
    assert isinstance(second["expires_in"], int)
    assert account_status(second["access_token"]) == 200
    reused = post_token(refresh_body(app_creds, first["refresh_token"]))
    assert_oauth_error(reused, 400, "invalid_grant")
    assert post_token(refresh_body(app_creds, second["refresh_token"])).status_code == 200


def test_refresh_token_of_another_application_is_invalid_grant(app_creds, issue_code):
    tokens = post_token(code_body(app_creds, issue_code())).json()
    other = make_application("Other")
    issued_before = AccessToken.objects.count()

    response = post_token(refresh_body(other, tokens["refresh_token"]))

    assert_oauth_error(response, 400, "invalid_grant")
    assert AccessToken.objects.count() == issued_before
    assert post_token(refresh_body(app_creds, tokens["refresh_token"])).status_code == 200


def test_refresh_token_of_a_revoked_grant_is_invalid_grant(app_creds, user, issue_code):
    tokens = post_token(code_body(app_creds, issue_code())).json()
    grant_revoke(grant=user.scheduling_account.grants.get())

    assert_oauth_error(
        post_token(refresh_body(app_creds, tokens["refresh_token"])), 400, "invalid_grant"
    )


def test_tokens_and_secrets_never_reach_the_logs(app_creds, issue_code, caplog):
    code = issue_code()
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django's own config stops at INFO
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    try:
        first = post_token(code_body(app_creds, code)).json()
        second = post_token(refresh_body(app_creds, first["refresh_token"])).json()
        post_token(code_body(app_creds, code))  # a failing reuse logs a 400 warning
    finally:
        connection.force_debug_cursor = False

    assert "django.db.backends" in {record.name for record in caplog.records}
    raw_values = [
        code,
        app_creds.client_secret,
        first["access_token"],
        first["refresh_token"],
        second["access_token"],
        second["refresh_token"],
    ]
    for raw in raw_values:
        assert raw not in caplog.text
