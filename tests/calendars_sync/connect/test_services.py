"""CalDAV and ICS connections: the URL and the credentials are checked with the server before
anything is saved; connecting again updates the one connection."""

import pytest

from calendars_sync.models import Connection
from calendars_sync.services.connect import caldav_connect, connection_remove, ics_connect
from calendars_sync.services.connections import connection_secrets
from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import Profile
from tests.calendars_sync.connect.conftest import FEED, PASSWORD, USER
from tests.factories import make_user_account

pytestmark = pytest.mark.django_db


def errors_of(raised) -> dict[str, list[str]]:
    return {field: [code for code, _ in items] for field, items in raised.value.errors.items()}


def test_caldav_connect_saves_an_active_connection_with_encrypted_secrets(radicale, person):
    _user, account = person

    connection = caldav_connect(account=account, url=radicale.url, username=USER, password=PASSWORD)

    connection.refresh_from_db()
    assert connection.state == Connection.State.ACTIVE
    assert connection.provider == "caldav"
    assert connection.external_account == f"{USER} on {radicale.url}"
    assert PASSWORD not in connection.secrets_encrypted
    assert connection_secrets(connection) == {
        "url": radicale.url,
        "username": USER,
        "password": PASSWORD,
    }
    assert Profile.objects.get(pk=connection.profile_id).provider_name == "caldav"


def test_caldav_connect_refuses_a_wrong_password_and_saves_nothing(radicale, person):
    _user, account = person

    with pytest.raises(ValidationFailed) as raised:
        caldav_connect(account=account, url=radicale.url, username=USER, password="wrong")

    assert errors_of(raised) == {"password": ["refused"]}
    assert "refused this user name and password" in raised.value.errors["password"][0][1]
    assert not Connection.objects.exists()
    assert not Profile.objects.filter(account=account, provider_name="caldav").exists()


def test_caldav_connect_again_updates_the_password_of_the_one_connection(radicale, person):
    _user, account = person
    radicale.add_user("carol", "app-password-1")
    first = caldav_connect(
        account=account, url=radicale.url, username="carol", password="app-password-1"
    )
    radicale.add_user("carol", "app-password-2")

    again = caldav_connect(
        account=account, url=radicale.url, username="carol", password="app-password-2"
    )

    assert again.pk == first.pk
    assert Connection.objects.count() == 1
    assert connection_secrets(again)["password"] == "app-password-2"


@pytest.mark.parametrize(
    ("url", "field"),
    [("", "server_url"), ("ftp://127.0.0.1/", "server_url"), ("not a url", "server_url")],
)
def test_caldav_connect_refuses_a_url_that_is_not_http(person, url, field, no_connections):
    _user, account = person

    with pytest.raises(ValidationFailed) as raised:
        caldav_connect(account=account, url=url, username=USER, password=PASSWORD)

    assert list(raised.value.errors) == [field]
    assert not Connection.objects.exists()


def test_caldav_connect_refuses_a_server_that_is_not_caldav(person, feed_server):
    _user, account = person
    url = feed_server.serve("/nothing-here/", "<html>hello</html>", content_type="text/html")

    with pytest.raises(ValidationFailed) as raised:
        caldav_connect(account=account, url=url, username=USER, password=PASSWORD)

    assert list(raised.value.errors) in (["server_url"], ["password"])
    assert not Connection.objects.exists()


def test_ics_connect_saves_a_feed(person, feed_server):
    _user, account = person
    url = feed_server.serve("/feed.ics", FEED)

    connection = ics_connect(account=account, url=url)

    assert connection.state == Connection.State.ACTIVE
    assert connection.provider == "ics"
    assert connection.external_account == url
    assert connection_secrets(connection)["url"] == url


def test_ics_connect_reads_webcal_as_https(person, no_connections):
    _user, account = person

    with pytest.raises(ValidationFailed) as raised:
        ics_connect(account=account, url="webcal://example.invalid/feed.ics")

    # Read as https://example.invalid/..., which resolves to nothing here.
    assert errors_of(raised) == {"url": ["invalid"]}
    assert "example.invalid" in raised.value.errors["url"][0][1]


def test_ics_connect_refuses_what_is_not_icalendar(person, feed_server):
    _user, account = person
    url = feed_server.serve("/page.html", "<html>not a calendar</html>", content_type="text/html")

    with pytest.raises(ValidationFailed) as raised:
        ics_connect(account=account, url=url)

    assert errors_of(raised) == {"url": ["refused"]}
    assert not Connection.objects.exists()


def test_ics_connect_refuses_a_private_address_unless_allowed(
    person, feed_server, settings, no_connections
):
    _user, account = person
    url = feed_server.serve("/feed.ics", FEED)
    settings.CALLBACK_ALLOWED_NETWORKS = []

    with pytest.raises(ValidationFailed) as raised:
        ics_connect(account=account, url=url)

    assert errors_of(raised) == {"url": ["invalid"]}
    assert "private or reserved" in raised.value.errors["url"][0][1]
    assert not Connection.objects.exists()


def test_ics_connect_again_reuses_the_connection(person, feed_server):
    _user, account = person
    url = feed_server.serve("/feed.ics", FEED)

    first = ics_connect(account=account, url=url)
    again = ics_connect(account=account, url=url)

    assert again.pk == first.pk
    assert Connection.objects.count() == 1


def test_connection_remove_disconnects_the_accounts_own_connection(person, feed_server):
    _user, account = person
    connection = ics_connect(account=account, url=feed_server.serve("/feed.ics", FEED))

    connection_remove(account=account, connection_id=connection.connection_id)

    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED


def test_connection_remove_finds_no_connection_of_another_account(person, feed_server):
    _user, account = person
    connection = ics_connect(account=account, url=feed_server.serve("/feed.ics", FEED))

    with pytest.raises(NotFound):
        connection_remove(account=make_user_account(), connection_id=connection.connection_id)

    connection.refresh_from_db()
    assert connection.state == Connection.State.ACTIVE


def test_ics_connect_to_a_feed_behind_a_login(person, feed_server):
    _user, account = person
    url = feed_server.serve("/private.ics", FEED)
    feed_server.server.require_auth("feeds", "feed-secret")

    with pytest.raises(ValidationFailed) as without:
        ics_connect(account=account, url=url)
    with pytest.raises(ValidationFailed) as wrong:
        ics_connect(account=account, url=url, username="feeds", password="nope")
    connection = ics_connect(account=account, url=url, username="feeds", password="feed-secret")

    assert errors_of(without) == {"url": ["login_required"]}
    assert errors_of(wrong) == {"password": ["refused"]}
    assert connection_secrets(connection)["password"] == "feed-secret"
