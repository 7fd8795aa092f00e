"""GET and POST /v1/calendars over plain HTTP."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.models import Calendar, Profile
from scheduling.scopes import DEFAULT_SCOPE
from tests.api_client import JsonClient
from tests.factories import make_account, make_tokens, primary_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(account):
    return account.profiles.get()


def add_calendar(profile, name, **flags):
    return Calendar.objects.create(
        calendar_id=f"cal_{name.lower()}",
        account=profile.account,
        profile=profile,
        name=name,
        **flags,
    )


def calendar_rows():
    return list(Calendar.objects.order_by("pk").values())


def test_list_calendars_shape(api, account, profile):
    calendar = primary_calendar(account)

    response = api.call("GET", "/v1/calendars")

    assert response.status_code == 200
    assert response.json() == {
        "sub": account.sub,
        "calendars": [
            {
                "provider_name": "cronofy",
                "profile_id": profile.profile_id,
                "profile_name": profile.profile_name,
                "calendar_id": calendar.calendar_id,
                "calendar_name": calendar.name,
                "calendar_readonly": False,
                "calendar_deleted": False,
                "calendar_primary": True,
                "calendar_integrated_conferencing_available": False,
                "calendar_attachments_available": False,
                "permission_level": "unrestricted",
            }
        ],
    }


def test_list_calendars_shows_read_only_and_deleted_calendars(api, profile):
    add_calendar(profile, "Holidays", readonly=True)
    add_calendar(profile, "Old", deleted=True)

    listed = {c["calendar_name"]: c for c in api.call("GET", "/v1/calendars").json()["calendars"]}

    assert listed["Holidays"]["permission_level"] == "read_only"
    assert listed["Holidays"]["calendar_readonly"] is True
    assert listed["Old"]["calendar_deleted"] is True
    assert listed["Old"]["permission_level"] == "unrestricted"


def test_list_calendars_lists_only_the_callers(api, app_creds, account):
    make_account(app_creds.application)

    calendars = api.call("GET", "/v1/calendars").json()["calendars"]

    assert [c["calendar_id"] for c in calendars] == [primary_calendar(account).calendar_id]


def test_list_calendars_takes_one_query_however_many_calendars(api, profile):
    counts = []
    for n in range(2):
        for i in range(10 * n):
            add_calendar(profile, f"Extra{n}{i}")
        with CaptureQueriesContext(connection) as captured:
            api.call("GET", "/v1/calendars")
        counts.append(len(captured))

    # the caller's failure count (rate limits, in the database cache), the token, then the
    # calendars with their profiles
    assert counts[0] == counts[1] == 3


def test_create_calendar(api, account, profile):
    response = api.call(
        "POST",
        "/v1/calendars",
        {"profile_id": profile.profile_id, "name": "Bookings", "color": "#49BED8"},
    )

    assert response.status_code == 200
    calendar = Calendar.objects.get(name="Bookings")
    assert calendar.account == account
    assert calendar.color == "#49BED8"
    assert calendar.calendar_id.startswith("cal_")
    assert response.json() == {
        "calendar": {
            "provider_name": "cronofy",
            "profile_id": profile.profile_id,
            "profile_name": profile.profile_name,
            "calendar_id": calendar.calendar_id,
            "calendar_name": "Bookings",
            "calendar_readonly": False,
            "calendar_deleted": False,
            "calendar_primary": False,
            "calendar_integrated_conferencing_available": False,
            "calendar_attachments_available": False,
            "permission_level": "unrestricted",
        }
    }


def test_create_calendar_with_a_live_duplicate_name_is_422(api, profile):
    add_calendar(profile, "Bookings")
    before = calendar_rows()

    response = api.call(
        "POST", "/v1/calendars", {"profile_id": profile.profile_id, "name": "Bookings"}
    )

    assert response.status_code == 422
    assert response.json()["errors"]["name"][0]["key"] == "errors.duplicate_calendar_name"
    assert calendar_rows() == before


def test_create_calendar_may_reuse_the_name_of_a_deleted_calendar(api, profile):
    add_calendar(profile, "Bookings", deleted=True)

    response = api.call(
        "POST", "/v1/calendars", {"profile_id": profile.profile_id, "name": "Bookings"}
    )

    assert response.status_code == 200
    assert Calendar.objects.filter(name="Bookings").count() == 2


def test_another_accounts_profile_is_reported_like_a_missing_one(api, app_creds):
    foreign = make_account(app_creds.application).profiles.get()
    before = calendar_rows()

    foreign_response = api.call(
        "POST", "/v1/calendars", {"profile_id": foreign.profile_id, "name": "X"}
    )
    missing_response = api.call("POST", "/v1/calendars", {"profile_id": "pro_missing", "name": "X"})

    assert foreign_response.status_code == missing_response.status_code == 422
    foreign_error = foreign_response.json()["errors"]["profile_id"][0]
    missing_error = missing_response.json()["errors"]["profile_id"][0]
    assert foreign_error["key"] == missing_error["key"] == "errors.invalid"
    assert foreign_error["description"].replace(foreign.profile_id, "ID") == missing_error[
        "description"
    ].replace("pro_missing", "ID")
    assert calendar_rows() == before


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"name": None}, "name", "errors.required"),
        ({"name": ""}, "name", "errors.required"),
        ({"name": "   "}, "name", "errors.required"),
        ({"name": "x" * 201}, "name", "errors.too_long"),
        ({"profile_id": None}, "profile_id", "errors.required"),
        ({"color": "blue"}, "color", "errors.invalid"),
    ],
)
def test_invalid_calendar_create_is_422_and_creates_nothing(api, profile, changes, field, key):
    before = calendar_rows()
    body = {"profile_id": profile.profile_id, "name": "Bookings", **changes}

    response = api.call("POST", "/v1/calendars", {k: v for k, v in body.items() if v is not None})

    assert response.status_code == 422
    assert response.json()["errors"][field][0]["key"] == key
    assert calendar_rows() == before


def test_create_calendar_needs_the_create_calendar_scope(app_creds, account, profile):
    api = JsonClient(make_tokens(app_creds.application, account, scope=DEFAULT_SCOPE).access_token)

    response = api.call("POST", "/v1/calendars", {"profile_id": profile.profile_id, "name": "X"})

    assert response.status_code == 403
    assert not Profile.objects.filter(calendars__name="X").exists()


def test_list_calendars_needs_the_list_calendars_scope(app_creds, account):
    api = JsonClient(make_tokens(app_creds.application, account, scope="read_events").access_token)

    assert api.call("GET", "/v1/calendars").status_code == 403


def test_bearer_none_is_401(anon_api):
    assert anon_api.get("/v1/calendars", HTTP_AUTHORIZATION="Bearer None").status_code == 401
