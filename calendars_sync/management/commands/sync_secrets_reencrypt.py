from django.core.management.base import BaseCommand, CommandError

from calendars_sync.services.secrets import connection_secrets_reencrypt
from scheduling.credentials import UnknownEncryptionKey


class Command(BaseCommand):
    help = (
        "Re-encrypt every calendar connection's stored credentials with SECRET_ENCRYPTION_KEY, "
        "decrypting with it or SECRET_ENCRYPTION_KEY_FALLBACKS. Run with secrets_reencrypt "
        "after rotating the key, before dropping the old one. All or nothing; prints counts, "
        "never secrets."
    )

    def handle(self, *args, **options) -> None:
        try:
            result = connection_secrets_reencrypt()
        except UnknownEncryptionKey as exc:
            raise CommandError(f"{exc}. Nothing was changed.") from exc
        self.stdout.write(
            f"Re-encrypted the credentials of {result.reencrypted} connection(s) with the "
            f"current key; {result.current} already used it."
        )
