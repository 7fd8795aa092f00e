"""Grants and the tokens issued under them. Only hashes of tokens are stored."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scheduling import credentials
from scheduling.models import AccessToken, Account, Application, Grant, RefreshToken


@dataclass(frozen=True)
class IssuedTokens:
    grant: Grant
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str


def grant_upsert(
    *, application: Application, account: Account, scope: str, now: dt.datetime | None = None
) -> Grant:
    """Create or renew the application's grant for the account (re-authorizing un-revokes it)."""
    now = now or timezone.now()
    grant, created = Grant.objects.get_or_create(
        application=application,
        account=account,
        defaults={"scope": scope, "created_at": now, "updated_at": now},
    )
    if not created and (grant.scope != scope or grant.revoked_at is not None):
        grant.scope = scope
        grant.revoked_at = None
        grant.updated_at = now
        grant.save(update_fields=["scope", "revoked_at", "updated_at"])
    return grant


@transaction.atomic
def tokens_issue(*, grant: Grant, now: dt.datetime | None = None) -> IssuedTokens:
    now = now or timezone.now()
    lifetime = settings.ACCESS_TOKEN_LIFETIME_SECONDS
    access = credentials.new_token()
    refresh = credentials.new_token()
    AccessToken.objects.create(
        grant=grant,
        token_hash=credentials.hash_token(access),
        token_prefix=credentials.display_prefix(access),
        scope=grant.scope,
        expires_at=now + dt.timedelta(seconds=lifetime),
        created_at=now,
        updated_at=now,
    )
    RefreshToken.objects.create(
        grant=grant,
        token_hash=credentials.hash_token(refresh),
        token_prefix=credentials.display_prefix(refresh),
        created_at=now,
        updated_at=now,
    )
    return IssuedTokens(grant, access, refresh, lifetime, grant.scope)


@transaction.atomic
def grant_revoke(*, grant: Grant, now: dt.datetime | None = None) -> None:
    """Revoke the grant and every token issued under it."""
    now = now or timezone.now()
    Grant.objects.filter(pk=grant.pk).update(revoked_at=now, updated_at=now)
    for tokens in (AccessToken.objects, RefreshToken.objects):
        tokens.filter(grant=grant, revoked_at__isnull=True).update(revoked_at=now, updated_at=now)
