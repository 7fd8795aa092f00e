"""The `Cronofy-HMAC-SHA256` header: who sent a callback, over exactly which bytes.

The value for one secret is base64(HMAC-SHA256(key=secret as UTF-8, msg=body bytes)), standard
base64 with padding. An application with several active client secrets (during a rotation) gets
one value per secret, comma-separated, so a receiver that still knows only the old secret and one
that already has the new one both accept the callback. The body is signed as sent, byte for byte:
callers serialize once and hand the outbox those bytes.

`hmac_valid` is what a receiver runs (the same algorithm as pycronofy's `Client.hmac_valid`).
"""

import base64
import hashlib
import hmac
from collections.abc import Sequence

HEADER = "Cronofy-HMAC-SHA256"


def hmac_value(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def hmac_header(body: bytes, secrets: Sequence[str]) -> str:
    """The header value: one signature per secret, in the given order, comma-separated."""
    if not secrets:
        raise ValueError("a callback needs at least one secret to be signed with")
    return ",".join(hmac_value(body, secret) for secret in secrets)


def hmac_valid(header: str | None, body: bytes, secret: str) -> bool:
    """Whether any signature in `header` is `body` signed with `secret` (constant-time)."""
    if not header:
        return False
    expected = hmac_value(body, secret)
    return any(hmac.compare_digest(value.strip(), expected) for value in header.split(","))
