"""Bearer tokens of OnSched's client-credentials flow (`POST /connect/token`).

OnSched's identity server gives an application a one-hour access token for its client id and
secret; every `/setup/v1` call carries it as `Authorization: Bearer <token>`. Only the token's
SHA-256 is stored (SetupToken.token_hash), as the core stores its own tokens, so a database dump
holds no usable credential.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from calendars_sync.models import SetupToken
from scheduling import credentials
from scheduling.models import Application

# OnSched documents one-hour tokens (expires_in 3600) with the scope "OnSchedApi".
TOKEN_LIFETIME = dt.timedelta(hours=1)
SETUP_SCOPE = "OnSchedApi"


@dataclass(frozen=True)
class IssuedSetupToken:
    access_token: str = field(repr=False)
    expires_in: int
    scope: str = SETUP_SCOPE


def setup_token_issue(
    *, application: Application, now: dt.datetime | None = None
) -> IssuedSetupToken:
    """A new token for `application` (already authenticated by its client credentials). Tokens
    that expired more than a day ago are swept here, so the table does not grow without bound."""
    now = now or timezone.now()
    raw = credentials.new_token(32)
    SetupToken.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()
    SetupToken.objects.create(
        token_hash=credentials.hash_token(raw),
        application=application,
        expires_at=now + TOKEN_LIFETIME,
        created_at=now,
        updated_at=now,
    )
    return IssuedSetupToken(access_token=raw, expires_in=int(TOKEN_LIFETIME.total_seconds()))
