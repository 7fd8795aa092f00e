"""GET /v1/account, /v1/userinfo and /v1/profiles."""

import pytest

from scheduling.ids import new_calendar_id, new_public_id
from scheduling.models import Calendar, Profile
from scheduling.services.accounts import user_account_ensure
from tests.api_client import JsonClient
from tests.factories import make_account, make_tokens, make_user, primary_calendar

pytestmark = pytest.mark.django_db


def add_profile(account, provider_name="caldav", calendars=("Work", "Home"), connected=True):
    profile_id = new_public_id("pro", 10)
    profile = Profile.objects.create(
        profile_id=profile_id,
        account=account,
        provider_name=provider_name,
        profile_name=f"{provider_name} profile",
        connected=connected,
    )
    for name in calendars:
        Calendar.objects.create(
            calendar_id=new_calendar_id(profile_id), account=account, profile=profile, name=name
        )
    return profile


@pytest.mark.django_db(transaction=True)
def test_pycronofy_account_userinfo_and_profiles(cronofy, app_creds):
    user = make_user("alice")
    account = user_account_ensure(user=user)
    tokens = make_tokens(app_creds.application, account)
    client = cronofy(access_token=tokens.access_token)

    assert client.account() == {
        "account_id": account.sub,
        "email": "alice@example.test",
        "name": "alice",
        "scope": "read_write",
        "default_tzid": "Etc/UTC",
    }
    userinfo = client.userinfo()
    assert userinfo["sub"] == account.sub
    assert userinfo["cronofy.type"] == "account"
    profile = account.profiles.get()
    assert client.list_profiles() == [
        {
            "provider_name": "cronofy",
            "profile_id": profile.profile_id,
            "profile_name": profile.profile_name,
            "profile_connected": True,
        }
    ]


def test_userinfo_shape(app_creds):
    account = user_account_ensure(user=make_user("alice"))
    account.default_tzid = "Europe/Paris"
    account.save()
    calendar = primary_calendar(account)
    token = make_tokens(app_creds.application, account, scope="read_account list_calendars")

    response = JsonClient(token.access_token).call("GET", "/v1/userinfo")

    assert response.status_code == 200
    profile = account.profiles.get()
    assert response.json() == {
        "sub": account.sub,
        "email": "alice@example.test",
        "name": "alice",
        "zoneinfo": "Europe/Paris",
        "cronofy.type": "account",
        "cronofy.data": {
            "authorization": {"scope": "list_calendars read_account", "status": "active"},
            "profiles": [
                {
                    "provider_name": "cronofy",
                    "provider_service": "cronofy",
                    "profile_id": profile.profile_id,
                    "profile_name": profile.profile_name,
                    "profile_connected": True,
                    "profile_initial_sync_required": False,
                    "profile_calendars": [
                        {
                            "calendar_id": calendar.calendar_id,
                            "calendar_name": calendar.name,
                            "calendar_readonly": False,
                            "calendar_deleted": False,
                            "calendar_primary": True,
                            "permission_level": "unrestricted",
                        }
                    ],
                }
            ],
        },
    }


@pytest.mark.parametrize("scope", ["read_account", "read_account read_events create_event"])
def test_userinfo_shows_no_calendar_to_a_token_that_may_not_list_them(app_creds, account, scope):
    add_profile(account, calendars=("Work",))
    token = make_tokens(app_creds.application, account, scope=scope)
    client = JsonClient(token.access_token)

    response = client.call("GET", "/v1/userinfo")

    assert client.call("GET", "/v1/calendars").status_code == 403
    profiles = response.json()["cronofy.data"]["profiles"]
    assert [profile["profile_calendars"] for profile in profiles] == [[], []]
    assert profiles[1]["profile_name"] == "caldav profile"  # profiles are still shown
    assert "cal_" not in response.content.decode()


def test_userinfo_without_calendars_does_not_load_them(
    app_creds, account, django_assert_max_num_queries
):
    for index in range(3):
        add_profile(account, calendars=[f"C{index}"])
    token = make_tokens(app_creds.application, account, scope="read_account")

    # failure count (rate limits, in the database cache), token lookup, profiles
    with django_assert_max_num_queries(3):
        JsonClient(token.access_token).call("GET", "/v1/userinfo")


def test_userinfo_of_an_application_calendar_says_account(api, account):
    body = api.call("GET", "/v1/userinfo").json()
    assert body["sub"] == account.sub
    assert body["sub"].startswith("apc_")
    assert body["cronofy.type"] == "account"


def test_userinfo_lists_every_profile_with_its_calendars(api, account):
    extra = add_profile(account, calendars=("Work", "Home"), connected=False)

    profiles = api.call("GET", "/v1/userinfo").json()["cronofy.data"]["profiles"]

    assert [p["profile_id"] for p in profiles][1] == extra.profile_id
    assert profiles[1]["provider_name"] == "caldav"
    assert profiles[1]["profile_connected"] is False
    names = [c["calendar_name"] for c in profiles[1]["profile_calendars"]]
    assert names == ["Home", "Work"]
    assert len(profiles[0]["profile_calendars"]) == 1


def test_userinfo_runs_a_constant_number_of_queries(api, account, django_assert_max_num_queries):
    for index in range(4):
        add_profile(account, calendars=[f"C{index}-{n}" for n in range(5)])

    # failure count (rate limits, in the database cache), token lookup, profiles, their calendars
    with django_assert_max_num_queries(4):
        response = api.call("GET", "/v1/userinfo")

    assert len(response.json()["cronofy.data"]["profiles"]) == 5


def test_profiles_list(api, account):
    extra = add_profile(account, connected=False)

    response = api.call("GET", "/v1/profiles")

    assert response.status_code == 200
    local = account.profiles.get(provider_name="cronofy")
    assert response.json() == {
        "profiles": [
            {
                "provider_name": "cronofy",
                "profile_id": local.profile_id,
                "profile_name": local.profile_name,
                "profile_connected": True,
            },
            {
                "provider_name": "caldav",
                "profile_id": extra.profile_id,
                "profile_name": "caldav profile",
                "profile_connected": False,
            },
        ]
    }


@pytest.mark.parametrize("path", ["/v1/userinfo", "/v1/profiles", "/v1/account"])
def test_a_token_shows_only_its_own_account(app_creds, account, path):
    other = make_account(app_creds.application, name="Room B")
    add_profile(other, calendars=("Secret plans",))
    other_profile_ids = set(other.profiles.values_list("profile_id", flat=True))
    tokens = make_tokens(app_creds.application, account)

    text = JsonClient(tokens.access_token).call("GET", path).content.decode()

    assert account.sub in text or account.profiles.get().profile_id in text
    assert other.sub not in text
    assert "Secret plans" not in text
    assert not any(profile_id in text for profile_id in other_profile_ids)


@pytest.mark.parametrize("path", ["/v1/userinfo", "/v1/profiles"])
def test_reading_the_account_needs_read_account(app_creds, account, path):
    tokens = make_tokens(app_creds.application, account, scope="read_events")

    response = JsonClient(tokens.access_token).call("GET", path)

    assert response.status_code == 403
    assert response.json()["errors"]["base"][0]["key"] == "errors.insufficient_scope"


@pytest.mark.parametrize("path", ["/v1/userinfo", "/v1/profiles"])
def test_reading_the_account_needs_a_token(anon_api, app_creds, path):
    assert anon_api.call("GET", path).status_code == 401
    assert anon_api.call("GET", path, token=app_creds.client_secret).status_code == 401
