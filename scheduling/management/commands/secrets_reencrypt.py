from django.core.management.base import BaseCommand, CommandError

from scheduling.credentials import UnknownEncryptionKey
from scheduling.services.applications import application_secrets_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored client secret with SECRET_ENCRYPTION_KEY, decrypting with it or "
        "SECRET_ENCRYPTION_KEY_FALLBACKS. Run after rotating the key, before dropping the old one. "
        "All or nothing; prints counts, never secrets."
    )

    def handle(self, *args, **options) -> None:
        try:
            result = application_secrets_reencrypt()
        except UnknownEncryptionKey as exc:
            raise CommandError(f"{exc}. Nothing was changed.") from exc
        self.stdout.write(
            f"Re-encrypted {result.reencrypted} client secret(s) with the current key; "
            f"{result.current} already used it."
        )
