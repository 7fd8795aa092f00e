"""/v1/connections: the integrator connects CalDAV servers and ICS feeds for an account, with the
account's access token or with the API key naming the account."""

import caldav
import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from calendars_sync.models import Connection
from calendars_sync.services.connect import ics_connect
from scheduling.models import Event
from scheduling.scopes import DEFAULT_SCOPE
from tests.api_client import JsonClient
from tests.calendars_sync.connect.conftest import FEED, PASSWORD, USER
from tests.factories import make_account, make_application, make_tokens

pytestmark = pytest.mark.django_db

KEYS = {
    "connection_id",
    "provider",
    "external_account",
    "state",
    "profile_id",
    "last_sync_at",
    "last_error",
}


def caldav_body(radicale, password=PASSWORD) -> dict:
    return {
        "provider": "caldav",
        "server_url": radicale.url,
        "username": USER,
        "password": password,
    }


def test_post_connects_a_caldav_server_and_answers_without_credentials(api, radicale):
    response = api.call("POST", "/v1/connections", caldav_body(radicale))

    assert response.status_code == 201
    connection = response.json()["connection"]
    assert set(connection) == KEYS
    assert connection["provider"] == "caldav"
    assert connection["state"] == "active"
    assert connection["profile_id"].startswith("pro_")
    assert connection["last_sync_at"] is None
    assert PASSWORD not in response.content.decode()


def test_post_refuses_a_wrong_password_with_a_422_and_saves_nothing(api, radicale):
    response = api.call("POST", "/v1/connections", caldav_body(radicale, password="wrong"))

    assert response.status_code == 422
    [error] = response.json()["errors"]["password"]
    assert error["key"] == "errors.refused"
    assert not Connection.objects.exists()


def test_post_connects_an_ics_feed(api, feed_server):
    url = feed_server.serve("/feed.ics", FEED)

    response = api.call("POST", "/v1/connections", {"provider": "ics", "url": url})

    assert response.status_code == 201
    assert response.json()["connection"]["external_account"] == url


def test_post_refuses_a_feed_that_is_not_icalendar(api, feed_server):
    url = feed_server.serve("/x", "hello", content_type="text/plain")

    response = api.call("POST", "/v1/connections", {"provider": "ics", "url": url})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["url"]
    assert not Connection.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"provider": "exchange", "url": "http://127.0.0.1/"}, "provider"),
        ({"provider": "caldav", "username": USER, "password": PASSWORD}, "server_url"),
        ({"provider": "caldav", "server_url": "http://127.0.0.1:9/", "password": "x"}, "username"),
        ({"provider": "ics"}, "url"),
        ({"provider": "ics", "url": 5}, "url"),
    ],
)
def test_post_refuses_bad_input_on_its_field(api, body, field, no_connections):
    response = api.call("POST", "/v1/connections", body)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert not Connection.objects.exists()


def test_calls_without_credentials_are_401(anon_api):
    assert anon_api.call("GET", "/v1/connections").status_code == 401
    assert anon_api.call("POST", "/v1/connections", {"provider": "ics"}).status_code == 401
    assert anon_api.call("DELETE", "/v1/connections/con_x").status_code == 401


def test_a_token_without_the_scope_is_refused(app_creds, account, feed_server):
    tokens = make_tokens(app_creds.application, account, scope=DEFAULT_SCOPE)
    reader = JsonClient(tokens.access_token)
    url = feed_server.serve("/feed.ics", FEED)

    response = reader.call("POST", "/v1/connections", {"provider": "ics", "url": url})

    assert response.status_code == 403
    assert not Connection.objects.exists()


def test_get_lists_the_accounts_connections(api, feed_server):
    url = feed_server.serve("/feed.ics", FEED)
    created = api.call("POST", "/v1/connections", {"provider": "ics", "url": url}).json()

    response = api.call("GET", "/v1/connections")

    assert response.status_code == 200
    assert response.json() == {"connections": [created["connection"]]}


def test_one_accounts_token_never_sees_anothers_connections(api, app_creds, feed_server):
    url = feed_server.serve("/feed.ics", FEED)
    connection_id = api.call("POST", "/v1/connections", {"provider": "ics", "url": url}).json()[
        "connection"
    ]["connection_id"]
    other = make_account(app_creds.application)
    other_api = JsonClient(make_tokens(app_creds.application, other).access_token)

    assert other_api.call("GET", "/v1/connections").json() == {"connections": []}
    assert other_api.call("DELETE", f"/v1/connections/{connection_id}").status_code == 404
    assert other_api.call("POST", f"/v1/connections/{connection_id}/sync").status_code == 404
    assert Connection.objects.get().state == Connection.State.ACTIVE


def test_delete_disconnects_and_the_connection_leaves_the_list(api, feed_server):
    url = feed_server.serve("/feed.ics", FEED)
    created = api.call("POST", "/v1/connections", {"provider": "ics", "url": url}).json()
    connection_id = created["connection"]["connection_id"]

    response = api.call("DELETE", f"/v1/connections/{connection_id}")

    assert response.status_code == 202
    assert Connection.objects.get().state == Connection.State.DISCONNECTED
    assert api.call("GET", "/v1/connections").json() == {"connections": []}
    assert api.call("DELETE", f"/v1/connections/{connection_id}").status_code == 404


def test_sync_queues_a_sync_of_the_connection(
    api, feed_server, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "calendars_sync.services.connect.async_task", lambda *args: queued.append(args)
    )
    url = feed_server.serve("/feed.ics", FEED)
    created = api.call("POST", "/v1/connections", {"provider": "ics", "url": url}).json()
    connection_id = created["connection"]["connection_id"]

    with django_capture_on_commit_callbacks(execute=True):
        response = api.call("POST", f"/v1/connections/{connection_id}/sync")

    assert response.status_code == 202
    assert queued == [("calendars_sync.tasks.connection_sync", Connection.objects.get().pk)]


def test_sync_of_an_unknown_connection_is_404(api):
    assert api.call("POST", "/v1/connections/con_missing/sync").status_code == 404


# --- the API key, acting for an account the application sees ------------------------------


def test_the_api_key_connects_for_a_sub_of_the_application(app_creds, account, feed_server):
    keyed = JsonClient(app_creds.client_secret)
    url = feed_server.serve("/feed.ics", FEED)

    response = keyed.call(
        "POST", "/v1/connections", {"provider": "ics", "url": url, "sub": account.sub}
    )

    assert response.status_code == 201
    assert Connection.objects.get().account == account
    listed = keyed.call("GET", f"/v1/connections?sub={account.sub}").json()
    assert [c["external_account"] for c in listed["connections"]] == [url]


def test_the_api_key_must_name_a_sub(app_creds, no_connections):
    keyed = JsonClient(app_creds.client_secret)

    response = keyed.call("POST", "/v1/connections", {"provider": "ics", "url": "http://x/"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["sub"]
    assert keyed.call("GET", "/v1/connections").status_code == 422


def test_the_api_key_reaches_no_account_of_another_application(app_creds, feed_server):
    foreign = make_account(make_application().application)
    keyed = JsonClient(app_creds.client_secret)
    url = feed_server.serve("/feed.ics", FEED)

    response = keyed.call(
        "POST", "/v1/connections", {"provider": "ics", "url": url, "sub": foreign.sub}
    )

    assert response.status_code == 422
    assert response.json()["errors"]["sub"][0]["key"] == "errors.unknown_sub"
    assert not Connection.objects.exists()


def test_the_api_key_removes_connections_of_its_accounts_only(app_creds, api, feed_server):
    url = feed_server.serve("/feed.ics", FEED)
    created = api.call("POST", "/v1/connections", {"provider": "ics", "url": url}).json()
    connection_id = created["connection"]["connection_id"]
    other_app = make_application()

    foreign = JsonClient(other_app.client_secret).call("DELETE", f"/v1/connections/{connection_id}")
    own = JsonClient(app_creds.client_secret).call("DELETE", f"/v1/connections/{connection_id}")

    assert (foreign.status_code, own.status_code) == (404, 202)


def test_a_token_naming_another_sub_is_refused(api, app_creds, no_connections):
    other = make_account(app_creds.application)

    response = api.call(
        "POST", "/v1/connections", {"provider": "ics", "url": "http://x/", "sub": other.sub}
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["sub"]


def test_listing_connections_costs_no_query_per_connection(api, account, feed_server):
    def queries() -> int:
        with CaptureQueriesContext(db_connection) as captured:
            assert api.call("GET", "/v1/connections").status_code == 200
        return len(captured)

    ics_connect(account=account, url=feed_server.serve("/1.ics", FEED))
    one = queries()
    for n in (2, 3, 4):
        ics_connect(account=account, url=feed_server.serve(f"/{n}.ics", FEED))

    assert queries() == one


def test_a_connected_caldav_calendar_is_imported_by_the_first_sync(
    api, account, radicale, django_capture_on_commit_callbacks
):
    radicale.add_user("dana", "dana-pass")
    with caldav.DAVClient(url=radicale.url, username="dana", password="dana-pass") as client:
        calendar = client.principal().make_calendar(name="Work")
        calendar.save_event(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            "UID:dana-1@test\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250303T090000Z\r\n"
            "DTEND:20250303T100000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    body = {"provider": "caldav", "server_url": radicale.url, "username": "dana"}

    with django_capture_on_commit_callbacks(execute=True):
        created = api.call("POST", "/v1/connections", body | {"password": "dana-pass"})

    assert created.status_code == 201
    [listed] = api.call("GET", "/v1/connections").json()["connections"]
    assert listed["last_sync_at"] is not None
    assert Event.objects.filter(calendar__account=account, summary="Dentist").exists()
