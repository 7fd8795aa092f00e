"""OnSched's set-up flow end to end against the fake Google (and the fake Microsoft for
Outlook): create a resource with an address and a return URL, follow its authorization link to
the consent page, decide, land on our callback, and come back to the return URL with the
calendar authorized (or with error=access_denied)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from calendars_sync.models import Connection, Provider
from calendars_sync.services.connections import connection_secrets
from tests.calendars_sync.setup_api.conftest import ROOM

pytestmark = pytest.mark.django_db

GMAIL = "room1@gmail.test"
RETURN = "https://example.com/profile?tab=calendar"


@pytest.fixture
def google(fake_google):
    fake_google.add_user(GMAIL)
    return fake_google


def consent(link: str, decision: str) -> str:
    """Open the fake's consent page, press Allow or Deny: where Google sends the browser."""
    page = requests.get(link, timeout=5)
    assert page.status_code == 200
    assert GMAIL in page.text
    form = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()} | {"decision": decision}
    answer = requests.post(link.split("?")[0], data=form, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    return answer.headers["Location"]


def create_resource(setup_api) -> dict:
    body = {**ROOM, "options": {"googleCalendarId": GMAIL, "calendarAvailability": 1}}
    response = setup_api.setup("POST", f"resources?googleAuthReturnUrl={RETURN}", body)
    assert response.status_code == 201
    return response.json()


def land(client, location: str):
    """Follow Google's redirect to our callback (the test server's host)."""
    target = urlsplit(location)
    assert f"{target.scheme}://{target.netloc}{target.path}" == (
        "http://testserver/sync/oauth/google/callback"
    )
    return client.get(f"{target.path}?{target.query}")


def test_allowing_returns_to_the_return_url_with_the_calendar_authorized(
    setup_api, google, client, django_capture_on_commit_callbacks
):
    resource = create_resource(setup_api)
    location = consent(resource["googleCalendarAuthUrl"], "allow")

    with django_capture_on_commit_callbacks() as queued:
        response = land(client, location)

    assert response.status_code == 302
    assert response["Location"] == RETURN
    assert len(queued) == 1  # the first sync
    read = setup_api.setup("GET", f"resources/{resource['id']}").json()
    assert read["googleCalendarAuthorized"] is True
    assert read["googleCalendarAuthUrl"] is None
    connection = Connection.objects.get(account__sub=resource["id"], provider=Provider.GOOGLE)
    assert connection.state == Connection.State.ACTIVE
    assert connection.counts_as_busy is True
    secrets = connection_secrets(connection)
    assert secrets["access_token"] in google.access_tokens
    assert secrets["refresh_token"] in google.refresh_tokens
    assert secrets["access_token"] not in connection.secrets_encrypted
    assert secrets["refresh_token"] not in connection.secrets_encrypted


def test_denying_returns_to_the_return_url_with_the_error(setup_api, google, client):
    resource = create_resource(setup_api)
    response = land(client, consent(resource["googleCalendarAuthUrl"], "deny"))

    assert response.status_code == 302
    back = urlsplit(response["Location"])
    assert parse_qs(back.query) == {"tab": ["calendar"], "error": ["access_denied"]}
    read = setup_api.setup("GET", f"resources/{resource['id']}").json()
    assert read["googleCalendarAuthorized"] is False
    assert read["googleCalendarAuthUrl"]


def test_a_code_used_twice_is_refused_the_second_time(setup_api, google, client):
    resource = create_resource(setup_api)
    location = consent(resource["googleCalendarAuthUrl"], "allow")
    assert land(client, location).status_code == 302

    again = land(client, location)

    assert again.status_code == 400
    assert b"did not confirm" in again.content


def test_the_calendar_auth_link_authorizes_too(setup_api, google, client):
    resource = setup_api.setup("POST", "resources", ROOM).json()
    auth = setup_api.setup(
        "GET",
        f"resources/{resource['id']}/calendar/auth/google/{GMAIL}?googleAuthReturnUrl={RETURN}",
    ).json()

    response = land(client, consent(auth["authUrl"], "allow"))

    assert response["Location"] == RETURN
    read = setup_api.setup("GET", f"resources/{resource['id']}").json()
    assert read["options"]["googleCalendarId"] == GMAIL
    assert read["googleCalendarAuthorized"] is True


OUTLOOK = "room1@outlook.test"


@pytest.fixture
def graph(fake_graph):
    fake_graph.add_user(OUTLOOK)
    return fake_graph


def microsoft_consent(link: str, consent: str) -> str:
    """Open the fake Microsoft consent page, Accept or Cancel: where Microsoft sends the browser."""
    page = requests.get(link, timeout=5)
    assert page.status_code == 200
    assert OUTLOOK in page.text
    form = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()} | {"consent": consent}
    answer = requests.post(link.split("?")[0], data=form, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    return answer.headers["Location"]


def create_outlook_resource(setup_api) -> dict:
    body = {**ROOM, "options": {"outlookCalendarId": OUTLOOK, "calendarAvailability": 2}}
    response = setup_api.setup("POST", f"resources?outlookAuthReturnUrl={RETURN}", body)
    assert response.status_code == 201
    return response.json()


def test_outlook_accept_returns_with_the_calendar_authorized(setup_api, graph, client):
    resource = create_outlook_resource(setup_api)
    location = microsoft_consent(resource["outlookCalendarAuthUrl"], "accept")
    assert location.startswith("http://testserver/sync/oauth/microsoft/callback?")

    response = client.get(location.removeprefix("http://testserver"))

    assert response.status_code == 302
    assert response["Location"] == RETURN
    read = setup_api.setup("GET", f"resources/{resource['id']}").json()
    assert (read["outlookCalendarAuthorized"], read["outlookCalendarAuthUrl"]) == (True, None)
    connection = Connection.objects.get(account__sub=resource["id"], provider=Provider.MICROSOFT)
    secrets = connection_secrets(connection)
    assert secrets["access_token"] in graph.access_tokens
    assert secrets["access_token"] not in connection.secrets_encrypted


def test_outlook_cancel_returns_with_access_denied(setup_api, graph, client):
    resource = create_outlook_resource(setup_api)
    location = microsoft_consent(resource["outlookCalendarAuthUrl"], "cancel")

    response = client.get(location.removeprefix("http://testserver"))

    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["access_denied"]
    connection = Connection.objects.get(account__sub=resource["id"], provider=Provider.MICROSOFT)
    assert connection.state == Connection.State.PENDING
