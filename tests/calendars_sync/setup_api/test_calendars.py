"""One external calendar per resource, its authorization link and flags, and which calendars
count as busy time (calendarAvailability)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from calendars_sync.models import Connection, Provider
from calendars_sync.services.connections import connection_activate
from scheduling.models import Account, Calendar, Profile
from scheduling.services.calendars import calendar_create
from tests.calendars_sync.setup_api.conftest import ROOM

pytestmark = pytest.mark.django_db

GMAIL = "room1@gmail.test"
OUTLOOK = "room1@outlook.test"
RETURN = "https://example.com/profile?tab=calendar"


def create(setup_api, options: dict, query: str = ""):
    response = setup_api.setup("POST", f"resources{query}", {**ROOM, "options": options})
    assert response.status_code == 201, response.json()
    return response.json()


def connection_of(body: dict, provider: str) -> Connection:
    return Connection.objects.get(account__sub=body["id"], provider=provider)


def activate_with_calendar(connection: Connection) -> Calendar:
    """What the first sync would leave: an active connection and a core calendar of its profile."""
    connection = connection_activate(
        connection=connection,
        secrets={"access_token": "t", "expires_at": "2099-01-01T00:00:00+00:00"},
    )
    profile = Profile.objects.get(pk=connection.profile_id)
    return calendar_create(account=connection.account, profile_id=profile.profile_id, name="Work")


def test_a_google_address_gets_an_authorization_link(setup_api, google_settings):
    body = create(
        setup_api,
        {"googleCalendarId": GMAIL, "calendarAvailability": 1},
        f"?googleAuthReturnUrl={RETURN}",
    )

    link = urlsplit(body["googleCalendarAuthUrl"])
    query = parse_qs(link.query)
    assert f"{link.scheme}://{link.netloc}{link.path}" == google_settings.GOOGLE_OAUTH_AUTHORIZE_URL
    assert query["login_hint"] == [GMAIL]
    assert query["redirect_uri"] == ["http://testserver/sync/oauth/google/callback"]
    assert query["access_type"] == ["offline"]
    assert body["googleCalendarAuthorized"] is False
    assert body["outlookCalendarAuthUrl"] is None
    connection = connection_of(body, Provider.GOOGLE)
    assert (connection.state, connection.external_account) == (Connection.State.PENDING, GMAIL)


def test_the_link_uses_the_public_base_url_when_set(setup_api, google_settings):
    google_settings.PUBLIC_BASE_URL = "https://sched.example.com"
    body = create(setup_api, {"googleCalendarId": GMAIL})
    query = parse_qs(urlsplit(body["googleCalendarAuthUrl"]).query)
    assert query["redirect_uri"] == ["https://sched.example.com/sync/oauth/google/callback"]


def test_an_outlook_address_gets_a_microsoft_link(setup_api, google_settings):
    body = create(setup_api, {"outlookCalendarId": OUTLOOK})
    link = body["outlookCalendarAuthUrl"]
    assert link.startswith(google_settings.MICROSOFT_OAUTH_AUTHORIZE_URL)
    assert parse_qs(urlsplit(link).query)["redirect_uri"] == [
        "http://testserver/sync/oauth/microsoft/callback"
    ]
    assert body["googleCalendarAuthUrl"] is None
    assert connection_of(body, Provider.MICROSOFT).external_account == OUTLOOK


def test_an_authorized_calendar_has_no_link_and_reads_authorized(setup_api):
    body = create(setup_api, {"googleCalendarId": GMAIL})
    activate_with_calendar(connection_of(body, Provider.GOOGLE))
    read = setup_api.setup("GET", f"resources/{body['id']}").json()
    assert (read["googleCalendarAuthUrl"], read["googleCalendarAuthorized"]) == (None, True)


def test_both_calendars_at_once_are_refused(setup_api):
    response = setup_api.setup(
        "POST",
        "resources",
        {**ROOM, "options": {"googleCalendarId": GMAIL, "outlookCalendarId": OUTLOOK}},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["options.outlookCalendarId"]
    assert not Account.objects.filter(kind=Account.Kind.RESOURCE).exists()
    assert not Connection.objects.exists()


def test_switching_to_outlook_disconnects_google_and_its_calendars_stop_counting(setup_api):
    body = create(setup_api, {"googleCalendarId": GMAIL, "calendarAvailability": 1})
    google = connection_of(body, Provider.GOOGLE)
    calendar = activate_with_calendar(google)

    response = setup_api.setup(
        "PUT",
        f"resources/{body['id']}",
        {"options": {"outlookCalendarId": OUTLOOK, "calendarAvailability": 2}},
    )

    updated = response.json()
    assert updated["options"]["googleCalendarId"] == ""
    assert updated["options"]["outlookCalendarId"] == OUTLOOK
    assert updated["googleCalendarAuthorized"] is False
    assert updated["googleCalendarAuthUrl"] is None
    google.refresh_from_db()
    calendar.refresh_from_db()
    assert google.state == Connection.State.DISCONNECTED
    assert google.secrets_encrypted == ""
    assert (google.counts_as_busy, calendar.counts_as_busy) == (False, False)
    assert Profile.objects.get(pk=google.profile_id).connected is False
    outlook = connection_of(body, Provider.MICROSOFT)
    assert (outlook.state, outlook.counts_as_busy) == (Connection.State.PENDING, True)


def test_switching_back_needs_a_new_authorization(setup_api):
    body = create(setup_api, {"googleCalendarId": GMAIL})
    activate_with_calendar(connection_of(body, Provider.GOOGLE))
    path = f"resources/{body['id']}"
    setup_api.setup("PUT", path, {"options": {"outlookCalendarId": OUTLOOK}})

    back = setup_api.setup("PUT", path, {"options": {"googleCalendarId": GMAIL}}).json()

    assert back["googleCalendarAuthUrl"]
    assert back["googleCalendarAuthorized"] is False
    assert connection_of(body, Provider.GOOGLE).state == Connection.State.PENDING
    assert connection_of(body, Provider.MICROSOFT).state == Connection.State.DISCONNECTED
    assert Connection.objects.count() == 2  # found again, not duplicated


def test_a_new_google_address_replaces_the_old_connection(setup_api):
    body = create(setup_api, {"googleCalendarId": GMAIL})
    setup_api.setup(
        "PUT", f"resources/{body['id']}", {"options": {"googleCalendarId": "b@gmail.test"}}
    )
    states = dict(Connection.objects.values_list("external_account", "state"))
    assert states == {
        GMAIL: Connection.State.DISCONNECTED,
        "b@gmail.test": Connection.State.PENDING,
    }


def test_clearing_the_address_disconnects(setup_api):
    body = create(setup_api, {"googleCalendarId": GMAIL})
    cleared = setup_api.setup(
        "PUT", f"resources/{body['id']}", {"options": {"googleCalendarId": ""}}
    ).json()
    assert cleared["googleCalendarAuthUrl"] is None
    assert connection_of(body, Provider.GOOGLE).state == Connection.State.DISCONNECTED


@pytest.mark.parametrize(
    ("options", "availability", "counts"),
    [
        ({"googleCalendarId": GMAIL}, 1, True),
        ({"googleCalendarId": GMAIL}, 0, False),
        ({"googleCalendarId": GMAIL}, 2, False),
        ({"outlookCalendarId": OUTLOOK}, 2, True),
        ({"outlookCalendarId": OUTLOOK}, 1, False),
    ],
)
def test_calendar_availability_decides_whether_the_synced_calendars_count(
    setup_api, options, availability, counts
):
    body = create(setup_api, options)
    provider = Provider.GOOGLE if "googleCalendarId" in options else Provider.MICROSOFT
    connection = connection_of(body, provider)
    calendar = activate_with_calendar(connection)
    local = Calendar.objects.get(account__sub=body["id"], primary=True)

    setup_api.setup(
        "PUT", f"resources/{body['id']}", {"options": {"calendarAvailability": availability}}
    )

    connection.refresh_from_db()
    calendar.refresh_from_db()
    assert (connection.counts_as_busy, calendar.counts_as_busy) == (counts, counts)
    local.refresh_from_db()
    assert local.counts_as_busy is True  # the resource's own calendar always counts


def test_the_connection_counts_from_its_creation_when_availability_names_it(setup_api):
    body = create(setup_api, {"googleCalendarId": GMAIL, "calendarAvailability": 0})
    assert connection_of(body, Provider.GOOGLE).counts_as_busy is False
    body = create(setup_api, {"googleCalendarId": "c@gmail.test", "calendarAvailability": 1})
    assert connection_of(body, Provider.GOOGLE).counts_as_busy is True


@pytest.mark.parametrize(
    "query",
    [
        "?googleAuthReturnUrl=/profile",
        "?googleAuthReturnUrl=javascript:alert(1)",
        "?outlookAuthReturnUrl=ftp://x.test/",
    ],
)
def test_return_urls_must_be_absolute_http_urls(setup_api, query):
    response = setup_api.setup("POST", f"resources{query}", ROOM)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [query[1:].split("=")[0]]
    assert not Account.objects.filter(kind=Account.Kind.RESOURCE).exists()


def test_the_guides_misspelt_parameter_is_an_alias(setup_api):
    body = create(setup_api, {"googleCalendarId": GMAIL}, f"?googleAuthUrl={RETURN}")
    setup = Account.objects.get(sub=body["id"]).setup_resource
    assert setup.google_auth_return_url == RETURN


def test_a_read_with_a_return_url_stores_it(setup_api):
    body = create(setup_api, {"googleCalendarId": GMAIL})
    setup_api.setup("GET", f"resources/{body['id']}?googleAuthReturnUrl={RETURN}")
    assert Account.objects.get(sub=body["id"]).setup_resource.google_auth_return_url == RETURN


def test_calendar_auth_sets_the_address_and_answers_the_link(setup_api, google_settings):
    body = create(setup_api, {})
    response = setup_api.setup(
        "GET", f"resources/{body['id']}/calendar/auth/google/{GMAIL}?googleAuthReturnUrl={RETURN}"
    )
    assert response.status_code == 200
    auth = response.json()
    assert {k: auth[k] for k in ("object", "resourceId", "provider", "email", "authorized")} == {
        "object": "calendarAuth",
        "resourceId": body["id"],
        "provider": "google",
        "email": GMAIL,
        "authorized": False,
    }
    assert parse_qs(urlsplit(auth["authUrl"]).query)["login_hint"] == [GMAIL]
    setup = Account.objects.get(sub=body["id"]).setup_resource
    assert (setup.google_calendar_id, setup.google_auth_return_url) == (GMAIL, RETURN)


def test_calendar_auth_for_outlook_switches_from_google(setup_api):
    body = create(setup_api, {"googleCalendarId": GMAIL})
    auth = setup_api.setup("GET", f"resources/{body['id']}/calendar/auth/outlook/{OUTLOOK}").json()
    assert auth["provider"] == "outlook"
    assert connection_of(body, Provider.GOOGLE).state == Connection.State.DISCONNECTED
    read = setup_api.setup("GET", f"resources/{body['id']}").json()
    assert read["options"]["outlookCalendarId"] == OUTLOOK
    assert read["outlookCalendarAuthUrl"]


def test_calendar_auth_refuses_what_is_not_an_address(setup_api):
    body = create(setup_api, {})
    response = setup_api.setup("GET", f"resources/{body['id']}/calendar/auth/google/nobody")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["email"]


def test_an_address_in_mixed_case_is_one_connection(setup_api):
    body = create(setup_api, {"googleCalendarId": "Room1@Gmail.test"})
    activate_with_calendar(connection_of(body, Provider.GOOGLE))
    read = setup_api.setup(
        "PUT", f"resources/{body['id']}", {"options": {"googleCalendarId": "ROOM1@gmail.test"}}
    ).json()
    assert read["options"]["googleCalendarId"] == "ROOM1@gmail.test"
    assert read["googleCalendarAuthorized"] is True
    assert Connection.objects.get().state == Connection.State.ACTIVE
