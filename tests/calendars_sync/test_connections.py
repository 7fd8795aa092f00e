"""Connections: found again by external account, credentials encrypted, state changes."""

import datetime as dt

import pytest
from django.test import override_settings

from calendars_sync.models import Connection, Provider
from calendars_sync.providers.base import GrantBroken
from calendars_sync.services.connections import (
    connection_activate,
    connection_credentials,
    connection_ensure,
    connection_mark_broken,
    connection_secrets,
)
from scheduling.models import Account, Profile
from tests.factories import make_account, make_application

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
OLD_KEY = "the key before the rotation"


@pytest.fixture
def resource(db):
    return make_account(make_application().application, kind=Account.Kind.RESOURCE)


def _google(resource, email="Ada@Example.test"):
    return connection_ensure(
        account=resource, provider=Provider.GOOGLE, external_account=email, now=NOW
    )


def _tokens(expires_at=NOW + dt.timedelta(hours=1), refresh="refresh-1"):
    return {
        "access_token": "access-1",
        "refresh_token": refresh,
        "expires_at": expires_at.isoformat(),
    }


def test_connection_ensure_finds_the_same_external_account_again(resource):
    first = _google(resource)
    again = _google(resource, email=" ada@example.TEST ")
    assert again.pk == first.pk
    assert first.connection_id.startswith("con_")
    assert first.state == Connection.State.PENDING
    assert Connection.objects.count() == 1


def test_connection_ensure_keeps_caldav_user_names_as_given(resource):
    upper = connection_ensure(account=resource, provider=Provider.CALDAV, external_account="Ada")
    lower = connection_ensure(account=resource, provider=Provider.CALDAV, external_account="ada")
    assert upper.pk != lower.pk


def test_connection_activate_encrypts_secrets_and_makes_a_profile(
    resource, django_capture_on_commit_callbacks
):
    connection = _google(resource)
    with django_capture_on_commit_callbacks() as callbacks:
        connection = connection_activate(connection=connection, secrets=_tokens(), now=NOW)
    stored = Connection.objects.get(pk=connection.pk)
    assert stored.state == Connection.State.ACTIVE
    assert "access-1" not in stored.secrets_encrypted
    assert "refresh-1" not in stored.secrets_encrypted
    assert connection_secrets(stored)["access_token"] == "access-1"
    profile = Profile.objects.get(pk=stored.profile_id)
    assert (profile.account, profile.provider_name, profile.profile_name) == (
        resource,
        "google",
        "ada@example.test",
    )
    assert len(callbacks) == 1  # the initial sync is queued after commit


def test_reactivating_a_broken_connection_keeps_its_profile_and_refresh_token(resource):
    connection = connection_activate(connection=_google(resource), secrets=_tokens(), now=NOW)
    profile_id = connection.profile_id
    connection_mark_broken(connection=connection, reason="invalid_grant", now=NOW)
    assert Connection.objects.get(pk=connection.pk).state == Connection.State.BROKEN
    assert Profile.objects.get(pk=profile_id).connected is False
    fresh = _tokens(refresh="")
    again = connection_activate(connection=_google(resource), secrets=fresh, now=NOW)
    assert (again.pk, again.profile_id, again.state) == (
        connection.pk,
        profile_id,
        Connection.State.ACTIVE,
    )
    assert again.last_error == ""
    assert connection_secrets(again)["refresh_token"] == "refresh-1"
    assert Profile.objects.get(pk=profile_id).connected is True


def test_connection_credentials_gives_a_fresh_access_token_without_refreshing(resource):
    connection = connection_activate(connection=_google(resource), secrets=_tokens(), now=NOW)
    assert connection_credentials(connection, now=NOW).access_token == "access-1"


def test_connection_credentials_without_a_grant_is_a_broken_grant(resource):
    with pytest.raises(GrantBroken):
        connection_credentials(_google(resource), now=NOW)


def test_connection_credentials_for_caldav_are_url_user_and_password(resource):
    connection = connection_ensure(
        account=resource, provider=Provider.CALDAV, external_account="ada"
    )
    secrets = {"url": "http://127.0.0.1:5232/", "username": "ada", "password": "pw"}
    connection = connection_activate(connection=connection, secrets=secrets, now=NOW)
    credentials = connection_credentials(connection, now=NOW)
    assert (credentials.url, credentials.username, credentials.password) == (
        "http://127.0.0.1:5232/",
        "ada",
        "pw",
    )
    assert "pw" not in repr(credentials)


def test_secrets_encrypted_under_an_old_key_still_decrypt_after_rotation(resource):
    with override_settings(SECRET_ENCRYPTION_KEY=OLD_KEY):
        connection = connection_activate(connection=_google(resource), secrets=_tokens(), now=NOW)
    with override_settings(
        SECRET_ENCRYPTION_KEY="the new key", SECRET_ENCRYPTION_KEY_FALLBACKS=[OLD_KEY]
    ):
        assert connection_secrets(connection)["access_token"] == "access-1"
