"""Secrets and tokens: generation, one-way hashing for lookup, and reversible encryption.

Tokens (access, refresh, authorization codes) and client secrets are high-entropy random strings,
so a plain SHA-256 digest is a safe lookup key: there is nothing to brute-force. Client secrets are
also kept encrypted because the platform signs outgoing callbacks with them (HMAC-SHA256), which
needs the secret itself.

Encryption uses `SECRET_ENCRYPTION_KEY`; values encrypted under an older key still decrypt while
that key is listed in `SECRET_ENCRYPTION_KEY_FALLBACKS`, so the key can rotate without an outage:
deploy the new key with the old one as a fallback, run `manage.py secrets_reencrypt`, then drop
the fallback.
"""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnknownEncryptionKey(ValueError):
    """A stored value was encrypted under a key that is neither current nor a fallback."""

    def __init__(self) -> None:
        super().__init__(
            "cannot decrypt a stored secret with SECRET_ENCRYPTION_KEY or any key in "
            "SECRET_ENCRYPTION_KEY_FALLBACKS: list the key it was encrypted with (with no "
            "SECRET_ENCRYPTION_KEY set, that is the former SECRET_KEY) in "
            "SECRET_ENCRYPTION_KEY_FALLBACKS"
        )


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _fernet(key_material: str) -> Fernet:
    """A Fernet key derived from any string (operators set passphrases, not Fernet keys)."""
    digest = hashlib.sha256(f"scheduling.credentials:{key_material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _current() -> Fernet:
    return _fernet(settings.SECRET_ENCRYPTION_KEY or settings.SECRET_KEY)


def _any_key() -> MultiFernet:
    """Encrypts with the current key, decrypts with the current key or any fallback."""
    fallbacks = [_fernet(key) for key in settings.SECRET_ENCRYPTION_KEY_FALLBACKS if key]
    return MultiFernet([_current(), *fallbacks])


def encrypt(value: str) -> str:
    return _current().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(value: str) -> str:
    try:
        return _any_key().decrypt(value.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise UnknownEncryptionKey from exc


def encrypted_with_current_key(value: str) -> bool:
    try:
        _current().decrypt(value.encode("ascii"))
    except InvalidToken:
        return False
    return True


def reencrypt(value: str) -> str:
    """`value` (encrypted under the current key or a fallback) encrypted under the current key."""
    try:
        return _any_key().rotate(value.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise UnknownEncryptionKey from exc


def display_prefix(raw: str) -> str:
    """What the admin may show of a secret: enough to tell two apart, too little to use."""
    return raw[:6]
