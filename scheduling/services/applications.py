"""Applications (integrators) and their client secrets."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from scheduling import credentials
from scheduling.models import Application, ApplicationSecret


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


@dataclass(frozen=True)
class SecretsReencrypted:
    reencrypted: int  # moved onto the current key
    current: int  # already under the current key


@transaction.atomic
def application_secrets_reencrypt(*, now: dt.datetime | None = None) -> SecretsReencrypted:
    """Re-encrypt every stored client secret (revoked ones too) with the current key.

    Run after moving the old key into SECRET_ENCRYPTION_KEY_FALLBACKS; afterwards the fallback
    can go. All or nothing: a secret that no configured key decrypts raises UnknownEncryptionKey
    and rolls back every change. Rows already under the current key are left alone, so a second
    run changes nothing.
    """
    now = now or timezone.now()
    stored = ApplicationSecret.objects.select_for_update().order_by("id")
    moved = kept = 0
    for pk, value in stored.values_list("pk", "secret_encrypted"):
        if credentials.encrypted_with_current_key(value):
            kept += 1
            continue
        ApplicationSecret.objects.filter(pk=pk).update(
            secret_encrypted=credentials.reencrypt(value), updated_at=now
        )
        moved += 1
    return SecretsReencrypted(reencrypted=moved, current=kept)
