"""Connections in the admin: list, filters, search, broken ones counted, secrets never shown,
only the two options editable, and the "Sync now" and "Disconnect" actions."""

import pytest
from django.urls import reverse

from calendars_sync.models import Connection, SyncedCalendar
from calendars_sync.services.sync import connection_sync
from scheduling.models import Calendar, Event
from tests.calendars_sync.conftest import ACCESS_TOKEN, NOW, REFRESH_TOKEN, activate, remote
from tests.factories import make_account

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:calendars_sync_connection_changelist")


def change_page(connection) -> str:
    return reverse("admin:calendars_sync_connection_change", args=[connection.pk])


def results(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.fixture
def broken(world, app_creds):
    connection = activate(make_account(app_creds.application), external_account="gone@example.test")
    world.revoked = True
    connection_sync(connection=connection, now=NOW)
    world.revoked = False
    connection.refresh_from_db()
    return connection


def test_the_list_shows_connections_and_counts_broken_ones(admin_client, connection, broken):
    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert set(results(response)) == {connection, broken}
    assert "1 broken (reconnect needed)" in response.text
    assert "GrantBroken: 401 from the memory provider" in response.text
    assert results(admin_client.get(CHANGELIST, {"state__exact": "broken"})) == [broken]
    assert results(admin_client.get(CHANGELIST, {"q": "gone@"})) == [broken]


def test_the_change_page_shows_calendars_and_never_secrets(admin_client, world, connection):
    world.put("primary", remote("a"))
    connection_sync(connection=connection, now=NOW)
    connection.refresh_from_db()

    page = admin_client.get(change_page(connection))

    assert page.status_code == 200
    assert SyncedCalendar.objects.get().calendar.calendar_id in page.text
    for secret in [ACCESS_TOKEN, REFRESH_TOKEN, connection.secrets_encrypted]:
        assert secret not in page.text
    assert "secrets_encrypted" not in page.text


def test_only_the_options_can_be_changed(admin_client, world, connection):
    connection_sync(connection=connection, now=NOW)

    response = admin_client.post(
        change_page(connection),
        {
            "write_back": "",
            "counts_as_busy": "",
            "state": "broken",
            "external_account": "else@example.test",
            "calendars-TOTAL_FORMS": "1",
            "calendars-INITIAL_FORMS": "1",
            "calendars-MIN_NUM_FORMS": "0",
            "calendars-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    connection.refresh_from_db()
    assert (connection.write_back, connection.counts_as_busy) == (False, False)
    assert (connection.state, connection.external_account) == ("active", "person@example.test")
    assert Calendar.objects.get(synced__connection=connection).counts_as_busy is False
    # "Add" is the CalDAV/ICS connect form (calendars_sync/admin_connect.py), not a model form.
    add_page = admin_client.get(reverse("admin:calendars_sync_connection_add"))
    assert 'id="connect-form"' in add_page.content.decode()


def test_sync_now_queues_a_sync_of_the_active_selected(
    admin_client, world, connection, broken, django_capture_on_commit_callbacks
):
    world.put("primary", remote("a"))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST,
            {"action": "sync_now", "_selected_action": [connection.pk, broken.pk]},
            follow=True,
        )

    assert "Queued a sync of 1 connection(s); 1 skipped" in response.text
    assert Event.objects.get().external_id == "a"  # q2 runs tasks inline in the tests


def test_disconnect(admin_client, world, connection):
    response = admin_client.post(
        CHANGELIST, {"action": "disconnect", "_selected_action": [connection.pk]}, follow=True
    )

    assert "Disconnected 1 connection(s)." in response.text
    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED
