"""Applications (integrators) and their client secrets."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from scheduling import credentials
from scheduling.models import Application, ApplicationSecret
from scheduling.services.key_rotation import SecretsReencrypted, encrypted_values_reencrypt


@dataclass(frozen=True)
class NewApplication:
    application: Application
    client_secret: str  # shown once; only its hash and an encrypted copy are stored


def application_secret_add(*, application: Application, now: dt.datetime | None = None) -> str:
    """Add an active secret (for rotation); returns the raw value, which is not stored."""
    now = now or timezone.now()
    raw = credentials.new_token(32)
    ApplicationSecret.objects.create(
        application=application,
        secret_hash=credentials.hash_token(raw),
        secret_prefix=credentials.display_prefix(raw),
        secret_encrypted=credentials.encrypt(raw),
        created_at=now,
        updated_at=now,
    )
    return raw


@transaction.atomic
def application_create(
    *, name: str, redirect_uris: Sequence[str] = (), now: dt.datetime | None = None
) -> NewApplication:
    now = now or timezone.now()
    application = Application.objects.create(
        name=name,
        redirect_uris="\n".join(uri.strip() for uri in redirect_uris if uri.strip()),
        created_at=now,
        updated_at=now,
    )
    return NewApplication(application, application_secret_add(application=application, now=now))


def application_secret_revoke(*, secret: ApplicationSecret, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    ApplicationSecret.objects.filter(pk=secret.pk, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )


def application_signing_secrets(*, application: Application) -> list[str]:
    """Every active client secret in the clear, oldest first: callbacks are signed with each."""
    secrets = application.secrets.filter(revoked_at__isnull=True).order_by("created_at", "id")
    return [credentials.decrypt(secret.secret_encrypted) for secret in secrets]


def application_secrets_reencrypt(*, now: dt.datetime | None = None) -> SecretsReencrypted:
    """Re-encrypt every stored client secret (revoked ones too) with the current key.

    Run after moving the old key into SECRET_ENCRYPTION_KEY_FALLBACKS; afterwards the fallback
    can go. All or nothing: a secret that no configured key decrypts raises UnknownEncryptionKey
    and rolls back every change. Rows already under the current key are left alone, so a second
    run changes nothing.
    """
    return encrypted_values_reencrypt(
        rows=ApplicationSecret.objects.all(), field="secret_encrypted", now=now or timezone.now()
    )
