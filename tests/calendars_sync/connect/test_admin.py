"""The admin's "Add connection": staff connect an account to a CalDAV server or an ICS feed,
through the same services (the server is asked first; nothing saved on a refusal)."""

import pytest

from calendars_sync.models import Connection
from tests.calendars_sync.connect.conftest import FEED, PASSWORD, USER
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ADD = "/admin/calendars_sync/connection/add/"


def test_staff_connect_a_caldav_server_for_an_account(admin_client, person, radicale):
    _user, account = person

    response = admin_client.post(
        ADD,
        {
            "account": account.sub,
            "provider": "caldav",
            "url": radicale.url,
            "username": USER,
            "password": PASSWORD,
        },
    )

    assert response.status_code == 302
    connection = Connection.objects.get()
    assert (connection.account, connection.state) == (account, Connection.State.ACTIVE)


def test_a_refused_password_shows_on_the_form_and_saves_nothing(admin_client, person, radicale):
    _user, account = person
    body = {"account": account.sub, "provider": "caldav", "url": radicale.url}

    response = admin_client.post(ADD, body | {"username": USER, "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [
        "The server refused this user name and password."
    ]
    assert not Connection.objects.exists()


def test_staff_connect_an_ics_feed(admin_client, person, feed_server):
    _user, account = person
    url = feed_server.serve("/feed.ics", FEED)

    admin_client.post(ADD, {"account": account.sub, "provider": "ics", "url": url})

    assert Connection.objects.get().external_account == url


def test_an_unknown_account_is_a_form_error(admin_client, no_connections):
    response = admin_client.post(
        ADD, {"account": "acc_nobody", "provider": "ics", "url": "http://127.0.0.1:9/x.ics"}
    )

    assert response.context["form"].errors["account"] == ["No account 'acc_nobody'."]


def test_the_add_form_needs_the_add_permission(client):
    staff = make_user()
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    assert client.get(ADD).status_code == 403
