"""Key rotation for the connections' stored credentials (the sync side of the core's
`manage.py secrets_reencrypt`)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from calendars_sync.models import Connection
from scheduling import credentials
from scheduling.services.applications import SecretsReencrypted


@transaction.atomic
def connection_secrets_reencrypt(*, now: dt.datetime | None = None) -> SecretsReencrypted:
    """Re-encrypt every connection's credentials with the current key (SECRET_ENCRYPTION_KEY),
    decrypting with it or a fallback. All or nothing: a value no configured key decrypts raises
    UnknownEncryptionKey and rolls every change back. Values already under the current key are
    left alone, so a second run changes nothing."""
    now = now or timezone.now()
    stored = Connection.objects.select_for_update().exclude(secrets_encrypted="").order_by("id")
    moved = kept = 0
    for pk, value in stored.values_list("pk", "secrets_encrypted"):
        if credentials.encrypted_with_current_key(value):
            kept += 1
            continue
        Connection.objects.filter(pk=pk).update(
            secrets_encrypted=credentials.reencrypt(value), updated_at=now
        )
        moved += 1
    return SecretsReencrypted(reencrypted=moved, current=kept)
