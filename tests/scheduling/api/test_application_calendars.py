"""POST /v1/application_calendars: upsert by application_calendar_id, new tokens every call."""

import pytest
from django.conf import settings
from pycronofy.exceptions import PyCronofyRequestError

from scheduling.models import AccessToken, Account, Calendar, Profile
from scheduling.services import application_calendars
from scheduling.services.application_calendars import application_calendar_upsert
from tests.api_client import JsonClient
from tests.factories import make_application, make_tokens

pytestmark = pytest.mark.django_db


def upsert(creds, application_calendar_id, **extra):
    body = {
        "client_id": creds.application.client_id,
        "client_secret": creds.client_secret,
        "application_calendar_id": application_calendar_id,
    }
    return JsonClient().call("POST", "/v1/application_calendars", body, **extra)


def account_sub(access_token: str) -> str:
    response = JsonClient(access_token).call("GET", "/v1/account")
    assert response.status_code == 200
    return response.json()["account"]["account_id"]


def assert_v1_error(response, status: int, field: str, key: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["errors"][field][0]["key"] == key


@pytest.mark.django_db(transaction=True)
def test_pycronofy_application_calendar_upserts_by_id(cronofy, app_creds):
    client = cronofy(
        client_id=app_creds.application.client_id, client_secret=app_creds.client_secret
    )

    first = client.application_calendar("room-42")
    first_profiles = client.list_profiles()
    second = client.application_calendar("room-42")

    assert first["sub"].startswith("apc_")
    assert first["application_calendar_id"] == "room-42"
    assert second["sub"] == first["sub"]
    assert second["access_token"] != first["access_token"]
    assert client.auth.access_token == second["access_token"]
    assert client.account()["account_id"] == first["sub"]
    assert client.list_profiles() == first_profiles
    assert Account.objects.filter(kind=Account.Kind.APPLICATION_CALENDAR).count() == 1


@pytest.mark.django_db(transaction=True)
def test_pycronofy_application_calendar_with_bad_secret_is_401(cronofy, app_creds):
    client = cronofy(client_id=app_creds.application.client_id, client_secret="wrong")
    with pytest.raises(PyCronofyRequestError) as failure:
        client.application_calendar("room-42")
    assert failure.value.response.status_code == 401
    assert not Account.objects.exists()


def test_response_has_the_documented_shape(app_creds):
    response = upsert(app_creds, "room-42", HTTP_AUTHORIZATION="Bearer None")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    account = Account.objects.get(kind=Account.Kind.APPLICATION_CALENDAR)
    profile = account.profiles.get()
    assert body == {
        "token_type": "bearer",
        "access_token": body["access_token"],
        "expires_in": settings.ACCESS_TOKEN_LIFETIME_SECONDS,
        "refresh_token": body["refresh_token"],
        "scope": "read_write",
        "application_calendar_id": "room-42",
        "sub": account.sub,
        "linking_profile": {
            "provider_name": "cronofy",
            "profile_id": profile.profile_id,
            "profile_name": profile.profile_name,
        },
    }
    assert account_sub(body["access_token"]) == account.sub


def test_first_call_creates_one_account_with_one_profile_and_primary_calendar(app_creds):
    upsert(app_creds, "room-42")
    upsert(app_creds, "room-42")

    account = Account.objects.get()
    assert account.application == app_creds.application
    assert account.application_calendar_id == "room-42"
    assert Profile.objects.filter(account=account).count() == 1
    calendar = Calendar.objects.get(account=account)
    assert calendar.primary


def test_ids_are_per_application(app_creds):
    other = make_application("Other")

    mine = upsert(app_creds, "room-42").json()
    theirs = upsert(other, "room-42").json()

    assert mine["sub"] != theirs["sub"]
    assert account_sub(theirs["access_token"]) == theirs["sub"]
    assert Account.objects.get(sub=theirs["sub"]).application == other.application
    assert Account.objects.get(sub=mine["sub"]).application == app_creds.application


def test_upsert_after_revocation_gives_working_tokens(app_creds):
    first = upsert(app_creds, "room-42").json()
    body = {
        "client_id": app_creds.application.client_id,
        "client_secret": app_creds.client_secret,
        "sub": first["sub"],
    }
    assert JsonClient().call("POST", "/oauth/token/revoke", body).status_code == 200
    assert JsonClient(first["access_token"]).call("GET", "/v1/account").status_code == 401

    again = upsert(app_creds, "room-42").json()

    assert again["sub"] == first["sub"]
    assert account_sub(again["access_token"]) == first["sub"]


@pytest.mark.parametrize("spoil", ["secret", "client_id", "missing"])
def test_bad_client_credentials_are_401_in_the_v1_shape(app_creds, spoil):
    body = {
        "client_id": app_creds.application.client_id,
        "client_secret": app_creds.client_secret,
        "application_calendar_id": "room-42",
    }
    if spoil == "secret":
        body["client_secret"] = "wrong"
    elif spoil == "client_id":
        body["client_id"] = make_application("Other").application.client_id
    else:
        del body["client_id"], body["client_secret"]

    response = JsonClient().call("POST", "/v1/application_calendars", body)

    assert_v1_error(response, 401, "base", "errors.unauthorized")
    assert not Account.objects.exists()
    assert not AccessToken.objects.exists()


def test_authorization_header_does_not_replace_body_credentials(app_creds, account):
    # A valid access token (or the API key) in the header authenticates nothing here.
    token = make_tokens(app_creds.application, account).access_token
    for header in (f"Bearer {token}", f"Bearer {app_creds.client_secret}"):
        response = JsonClient().call(
            "POST",
            "/v1/application_calendars",
            {"application_calendar_id": "room-42"},
            HTTP_AUTHORIZATION=header,
        )
        assert response.status_code == 401
    assert not Account.objects.filter(application_calendar_id="room-42").exists()


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("", "errors.required"),
        ("x" * 65, "errors.too_long"),
        ("café", "errors.invalid"),
        ("line\nbreak", "errors.invalid"),
        ({"id": 1}, "errors.invalid"),
    ],
)
def test_bad_application_calendar_id_is_422(app_creds, value, key):
    response = upsert(app_creds, value)

    assert_v1_error(response, 422, "application_calendar_id", key)
    assert not Account.objects.exists()
    assert not AccessToken.objects.exists()


def test_missing_application_calendar_id_is_422(app_creds):
    body = {"client_id": app_creds.application.client_id, "client_secret": app_creds.client_secret}
    response = JsonClient().call("POST", "/v1/application_calendars", body)
    assert_v1_error(response, 422, "application_calendar_id", "errors.required")
    assert not Account.objects.exists()


def test_longest_printable_ascii_id_is_accepted(app_creds):
    value = " ~!" + "x" * 61
    response = upsert(app_creds, value)
    assert response.status_code == 200
    assert response.json()["application_calendar_id"] == value


def test_malformed_json_is_422_and_writes_nothing(app_creds):
    response = JsonClient().call("POST", "/v1/application_calendars", '{"client_id": ')
    assert response.status_code == 422
    assert not Account.objects.exists()


def test_a_racing_first_call_ends_with_the_winners_account(app_creds, monkeypatch):
    """Two first calls both miss the lookup; the loser's insert hits the unique constraint."""
    winner = application_calendar_upsert(
        application=app_creds.application, application_calendar_id="room-42"
    )
    real_find = application_calendars._find
    calls = []

    def stale_find(application, application_calendar_id):
        calls.append(application_calendar_id)
        return None if len(calls) == 1 else real_find(application, application_calendar_id)

    monkeypatch.setattr(application_calendars, "_find", stale_find)

    loser = application_calendar_upsert(
        application=app_creds.application, application_calendar_id="room-42"
    )

    assert len(calls) == 2  # the insert failed and the account was read again
    assert loser.account == winner.account
    assert Account.objects.count() == 1
    assert Profile.objects.count() == 1
    assert account_sub(loser.tokens.access_token) == winner.account.sub


def test_application_calendar_tokens_refresh_through_oauth_token(app_creds):
    first = upsert(app_creds, "room-42").json()
    body = {
        "grant_type": "refresh_token",
        "client_id": app_creds.application.client_id,
        "client_secret": app_creds.client_secret,
        "refresh_token": first["refresh_token"],
    }

    response = JsonClient().call("POST", "/oauth/token", body)

    assert response.status_code == 200
    assert response.json()["sub"] == first["sub"]
    assert response.json()["scope"] == "read_write"
    assert account_sub(response.json()["access_token"]) == first["sub"]
