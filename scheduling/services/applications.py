"""Applications (integrators) and their client secrets."""

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


def application_secret_add(*, application: Application) -> str:
    """Add an active secret (for rotation); returns the raw value, which is not stored."""
    raw = credentials.new_token(32)
    ApplicationSecret.objects.create(
        application=application,
        secret_hash=credentials.hash_token(raw),
        secret_prefix=credentials.display_prefix(raw),
        secret_encrypted=credentials.encrypt(raw),
    )
    return raw


@transaction.atomic
def application_create(*, name: str, redirect_uris: Sequence[str] = ()) -> NewApplication:
    application = Application.objects.create(
        name=name, redirect_uris="\n".join(uri.strip() for uri in redirect_uris if uri.strip())
    )
    return NewApplication(application, application_secret_add(application=application))


def application_secret_revoke(*, secret: ApplicationSecret, now=None) -> None:
    ApplicationSecret.objects.filter(pk=secret.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )


def application_signing_secrets(*, application: Application) -> list[str]:
    """Every active client secret in the clear, oldest first: callbacks are signed with each."""
    secrets = application.secrets.filter(revoked_at__isnull=True).order_by("created_at", "id")
    return [credentials.decrypt(secret.secret_encrypted) for secret in secrets]
