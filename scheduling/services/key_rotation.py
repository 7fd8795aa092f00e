"""Key rotation: stored encrypted values moved onto the current key (scheduling/credentials.py).

Run after moving the old key into SECRET_ENCRYPTION_KEY_FALLBACKS; afterwards the fallback can go.
Each app that stores encrypted values re-encrypts its own column with `encrypted_values_reencrypt`
(the core's client secrets: services/applications.py; calendars_sync's connection credentials).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from scheduling import credentials


@dataclass(frozen=True)
class SecretsReencrypted:
    reencrypted: int  # moved onto the current key
    current: int  # already under the current key


@transaction.atomic
def encrypted_values_reencrypt(
    *, rows: QuerySet, field: str, now: dt.datetime
) -> SecretsReencrypted:
    """Re-encrypt the encrypted column `field` of `rows` with the current key, decrypting with it
    or a fallback, and stamp the rows it changes `updated_at = now`.

    All or nothing: the rows are locked, and a value that no configured key decrypts raises
    UnknownEncryptionKey and rolls back every change. Values already under the current key are
    left alone, so a second run changes nothing.
    """
    moved = kept = 0
    for pk, value in rows.select_for_update().order_by("id").values_list("pk", field):
        if credentials.encrypted_with_current_key(value):
            kept += 1
            continue
        rows.model.objects.filter(pk=pk).update(
            **{field: credentials.reencrypt(value), "updated_at": now}
        )
        moved += 1
    return SecretsReencrypted(reencrypted=moved, current=kept)
