"""manage.py sync_now (a progress bar, a summary per connection) and sync_secrets_reencrypt."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from calendars_sync.models import Connection
from calendars_sync.providers.base import ProviderRefused
from calendars_sync.services.connections import connection_secrets
from scheduling.models import Event
from tests.calendars_sync.conftest import ACCESS_TOKEN, REFRESH_TOKEN, activate, remote
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def sync_now(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("sync_now", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def second(world, app_creds):
    return activate(make_account(app_creds.application), external_account="other@example.test")


def test_sync_now_pulls_every_active_connection_with_a_progress_bar(world, connection, second):
    for n in range(3):
        world.put("primary", remote(f"e{n}", n))

    out, err = sync_now()

    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{connection.connection_id} google person@example.test")
    assert lines[0].endswith("1 calendar(s), 3 created, 0 updated, 0 deleted")
    assert f"{connection.connection_id}: " in err
    assert "3 events" in err
    assert Event.objects.count() == 6


def test_sync_now_chooses_by_account_or_connection(world, connection, second, person):
    assert len(sync_now("--account", person.sub)[0].splitlines()) == 1
    assert len(sync_now("--account", person.sub, "acc_unknown")[0].splitlines()) == 1
    out, _ = sync_now("--connection", second.connection_id)
    assert out.startswith(second.connection_id)
    Connection.objects.update(state=Connection.State.BROKEN)
    assert sync_now()[0] == "No active connection matches.\n"


def test_sync_now_reports_errors_and_fails(world, connection):
    world.errors.append(ProviderRefused("400 Bad Request"))

    with pytest.raises(CommandError, match="1 of 1 connection"):
        sync_now()


OLD, NEW = "the old encryption key", "the new encryption key"


def test_sync_secrets_reencrypt_moves_credentials_to_the_current_key(world, person):
    with override_settings(SECRET_ENCRYPTION_KEY=OLD):
        connection = activate(person)
    with override_settings(SECRET_ENCRYPTION_KEY=NEW, SECRET_ENCRYPTION_KEY_FALLBACKS=[OLD]):
        out = io.StringIO()
        call_command("sync_secrets_reencrypt", stdout=out)
        call_command("sync_secrets_reencrypt", stdout=(again := io.StringIO()))

    assert "Re-encrypted the credentials of 1 connection(s)" in out.getvalue()
    assert "of 0 connection(s) with the current key; 1 already used it" in again.getvalue()
    assert ACCESS_TOKEN not in out.getvalue() + again.getvalue()
    connection.refresh_from_db()
    with override_settings(SECRET_ENCRYPTION_KEY=NEW, SECRET_ENCRYPTION_KEY_FALLBACKS=[]):
        assert connection_secrets(connection)["refresh_token"] == REFRESH_TOKEN


def test_sync_secrets_reencrypt_changes_nothing_when_a_key_is_missing(world, person):
    with override_settings(SECRET_ENCRYPTION_KEY=OLD):
        connection = activate(person)
    before = Connection.objects.get().secrets_encrypted

    with override_settings(SECRET_ENCRYPTION_KEY=NEW), pytest.raises(CommandError):
        call_command("sync_secrets_reencrypt", stdout=io.StringIO())

    connection.refresh_from_db()
    assert connection.secrets_encrypted == before
