"""The token in a scheduling link: the request's public id, signed with the secret key.

Nothing secret is stored (a database dump holds no working link), the status API can show the
link again, and a key rotation through SECRET_KEY_FALLBACKS keeps old links working. A link is
switched off by disabling its request, not by forgetting its token.
"""

from django.core import signing

SALT = "bookings.scheduling-link"


def _signer() -> signing.Signer:
    # Made per call: it reads SECRET_KEY and SECRET_KEY_FALLBACKS when made.
    return signing.Signer(salt=SALT, sep=".")


def link_token(real_time_scheduling_id: str) -> str:
    return _signer().sign(real_time_scheduling_id)


def link_token_id(token: str) -> str | None:
    """The public id a token was made for; None for a forged, altered or malformed token."""
    try:
        return _signer().unsign(token)
    except signing.BadSignature:
        return None
