"""/sync/connect/: a signed-in person lists, connects and disconnects their calendars."""

import pytest
from django.test import Client

from calendars_sync.models import Connection
from scheduling.services.accounts import user_account_ensure
from tests.calendars_sync.connect.conftest import FEED, PASSWORD, USER
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGE = "/sync/connect/"


@pytest.fixture
def browser(person):
    user, _account = person
    client = Client()
    client.force_login(user)
    return client


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/sync/connect/")


def test_the_page_lists_the_persons_connections_with_their_state(browser, person, feed_server):
    _user, account = person
    Connection.objects.create(
        connection_id="con_listed",
        account=account,
        provider="ics",
        external_account="https://feeds.example/a.ics",
        state=Connection.State.BROKEN,
        last_error="the feed answered 404",
    )

    html = browser.get(PAGE).content.decode()

    assert "https://feeds.example/a.ics" in html
    assert "Broken (reconnect needed)" in html
    assert "the feed answered 404" in html
    assert 'id="caldav-form"' in html
    assert 'id="ics-form"' in html


def test_the_page_shows_no_one_elses_connections(browser, feed_server):
    stranger = user_account_ensure(user=make_user())
    Connection.objects.create(
        connection_id="con_theirs", account=stranger, provider="ics", external_account="theirs"
    )

    assert "con_theirs" not in browser.get(PAGE).content.decode()


def test_the_caldav_form_connects_and_redirects(browser, person, radicale):
    response = browser.post(
        "/sync/connect/caldav/",
        {"server_url": radicale.url, "username": USER, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert Connection.objects.get().account == person[1]


def test_the_caldav_form_shows_a_refused_password_on_its_field(browser, radicale):
    response = browser.post(
        "/sync/connect/caldav/",
        {"server_url": radicale.url, "username": USER, "password": "wrong"},
    )

    assert response.status_code == 200
    form = response.context["caldav_form"]
    assert form.errors["password"] == ["The server refused this user name and password."]
    assert not Connection.objects.exists()


def test_the_caldav_form_checks_its_shape_before_the_service(browser, no_connections):
    response = browser.post("/sync/connect/caldav/", {"server_url": "", "username": USER})

    assert set(response.context["caldav_form"].errors) == {"server_url", "password"}
    assert not Connection.objects.exists()


def test_the_ics_form_connects_a_feed(browser, feed_server):
    url = feed_server.serve("/feed.ics", FEED)

    response = browser.post("/sync/connect/ics/", {"url": url})

    assert response.status_code == 302
    assert Connection.objects.get().external_account == url


def test_the_ics_form_shows_what_is_wrong_with_the_feed(browser, feed_server):
    url = feed_server.serve("/x.html", "<html></html>", content_type="text/html")

    response = browser.post("/sync/connect/ics/", {"url": url})

    assert response.status_code == 200
    assert response.context["ics_form"].errors["url"]
    assert not Connection.objects.exists()


def test_the_forms_need_the_csrf_token(person, feed_server):
    user, _account = person
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)

    response = strict.post("/sync/connect/ics/", {"url": feed_server.serve("/f.ics", FEED)})

    assert response.status_code == 403
    assert not Connection.objects.exists()


def test_disconnect_removes_the_persons_connection(browser, feed_server):
    browser.post("/sync/connect/ics/", {"url": feed_server.serve("/feed.ics", FEED)})
    connection = Connection.objects.get()

    response = browser.post(f"/sync/connect/{connection.connection_id}/disconnect/")

    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED
    assert connection.connection_id not in browser.get(PAGE).content.decode()


def test_disconnect_of_someone_elses_connection_is_404(browser, feed_server):
    stranger = user_account_ensure(user=make_user())
    theirs = Connection.objects.create(
        connection_id="con_theirs", account=stranger, provider="ics", external_account="theirs"
    )

    response = browser.post("/sync/connect/con_theirs/disconnect/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == Connection.State.PENDING


def test_disconnect_is_a_post(browser):
    assert browser.get("/sync/connect/con_x/disconnect/").status_code == 405
