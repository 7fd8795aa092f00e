"""Secrets and tokens: generation, one-way hashing for lookup, and reversible encryption.

Tokens (access, refresh, authorization codes) and client secrets are high-entropy random strings,
so a plain SHA-256 digest is a safe lookup key: there is nothing to brute-force. Client secrets are
also kept encrypted because the platform signs outgoing callbacks with them (HMAC-SHA256), which
needs the secret itself.
"""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _fernet() -> Fernet:
    key_material = getattr(settings, "SECRET_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(f"scheduling.credentials:{key_material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(value: str) -> str:
    try:
        return _fernet().decrypt(value.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:  # the key changed since the value was stored
        raise ValueError("cannot decrypt: SECRET_ENCRYPTION_KEY/SECRET_KEY changed") from exc


def display_prefix(raw: str) -> str:
    """What the admin may show of a secret: enough to tell two apart, too little to use."""
    return raw[:6]
