"""Key rotation for the connections' stored credentials (the sync side of the core's
`manage.py secrets_reencrypt`)."""

import datetime as dt

from django.utils import timezone

from calendars_sync.models import Connection
from scheduling.services.key_rotation import SecretsReencrypted, encrypted_values_reencrypt


def connection_secrets_reencrypt(*, now: dt.datetime | None = None) -> SecretsReencrypted:
    """Re-encrypt every connection's credentials with the current key (SECRET_ENCRYPTION_KEY),
    decrypting with it or a fallback. All or nothing: a value no configured key decrypts raises
    UnknownEncryptionKey and rolls every change back. Values already under the current key are
    left alone, so a second run changes nothing."""
    return encrypted_values_reencrypt(
        rows=Connection.objects.exclude(secrets_encrypted=""),
        field="secrets_encrypted",
        now=now or timezone.now(),
    )
