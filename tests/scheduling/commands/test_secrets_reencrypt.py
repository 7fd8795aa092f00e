"""Rotating SECRET_ENCRYPTION_KEY keeps outgoing callbacks signable, during and after.

Callbacks are signed with `application_signing_secrets`, so it must keep returning the right
secrets: with the old key as a fallback, and after `secrets_reencrypt` without it.
"""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from scheduling import credentials
from scheduling.credentials import UnknownEncryptionKey
from scheduling.models import ApplicationSecret
from scheduling.services.applications import (
    application_secret_add,
    application_secret_revoke,
    application_signing_secrets,
)
from tests.factories import make_application

pytestmark = pytest.mark.django_db

OLD, NEW = "the old encryption key", "the new encryption key"


def keys(current: str, *fallbacks: str):
    return override_settings(
        SECRET_ENCRYPTION_KEY=current, SECRET_ENCRYPTION_KEY_FALLBACKS=list(fallbacks)
    )


def reencrypt() -> str:
    out = io.StringIO()
    call_command("secrets_reencrypt", stdout=out)
    return out.getvalue()


def stored() -> dict[int, str]:
    return dict(ApplicationSecret.objects.values_list("pk", "secret_encrypted"))


@pytest.fixture
def created():
    with keys(OLD):
        return make_application()


def signing(created) -> list[str]:
    return application_signing_secrets(application=created.application)


def test_with_the_old_key_as_fallback_signing_secrets_still_read(created):
    with keys(NEW, OLD):
        assert signing(created) == [created.client_secret]


def test_after_reencrypting_the_old_key_can_be_dropped(created):
    with keys(NEW, OLD):
        reencrypt()
    with keys(NEW):
        assert signing(created) == [created.client_secret]
    with keys(OLD), pytest.raises(UnknownEncryptionKey):
        signing(created)


def test_without_the_old_key_signing_fails_with_a_clear_error(created):
    with keys(NEW), pytest.raises(UnknownEncryptionKey, match="SECRET_ENCRYPTION_KEY_FALLBACKS"):
        signing(created)


def test_secrets_added_after_the_rotation_use_the_new_key(created):
    with keys(NEW, OLD):
        added = application_secret_add(application=created.application)
    newest = ApplicationSecret.objects.order_by("id").last()
    with keys(NEW):
        assert credentials.decrypt(newest.secret_encrypted) == added


def test_reencrypt_is_idempotent_and_prints_counts_never_secrets(created):
    with keys(OLD):
        revoked = ApplicationSecret.objects.get()
        application_secret_revoke(secret=revoked)
        raw = [created.client_secret, application_secret_add(application=created.application)]
    with keys(NEW, OLD):
        first = reencrypt()
        after_first = stored()
        second = reencrypt()
    assert first == "Re-encrypted 2 client secret(s) with the current key; 0 already used it.\n"
    assert second == "Re-encrypted 0 client secret(s) with the current key; 2 already used it.\n"
    assert stored() == after_first
    for text in (*raw, *after_first.values()):
        assert text not in first + second
    with keys(NEW):
        assert signing(created) == raw[1:]


def test_reencrypt_changes_nothing_when_a_secret_has_an_unknown_key(created):
    with keys("a key nobody kept"):
        make_application()
    before = stored()
    with keys(NEW, OLD), pytest.raises(CommandError, match="Nothing was changed"):
        reencrypt()
    assert stored() == before
