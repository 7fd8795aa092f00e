"""OAuth 2.0 (RFC 6749) authorization codes, token exchange and revocation (RFC 7009).

Errors are ValidationFailed whose code is the RFC 6749 error name (`invalid_grant`, ...), so the
`/oauth` error dialect renders them as `{"error": code, "error_description": ...}` and the consent
page can put the code into its redirect. Raw codes and tokens are never stored or logged: only
their SHA-256 digests are looked up.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from scheduling import credentials
from scheduling.errors import ValidationFailed
from scheduling.models import Application, AuthorizationCode, Grant, RefreshToken
from scheduling.scopes import DEFAULT_SCOPE, unknown_scopes
from scheduling.services.accounts import user_account_ensure
from scheduling.services.tokens import IssuedTokens, grant_revoke, grant_upsert, tokens_issue


def _error(field: str, code: str, description: str) -> ValidationFailed:
    return ValidationFailed.one(field, code, description)


def _invalid_grant(description: str, field: str = "code") -> ValidationFailed:
    return _error(field, "invalid_grant", description)


def authorization_client_check(*, client_id: str, redirect_uri: str) -> Application:
    """The active application asking for authorization, if `redirect_uri` is registered for it.

    These failures must be shown to the person, never redirected: an unverified redirect_uri
    would make the authorize endpoint an open redirector.
    """
    application = Application.objects.filter(client_id=client_id, is_active=True).first()
    if application is None:
        raise _error("client_id", "invalid_client", "Unknown or inactive application.")
    if redirect_uri not in application.allowed_redirect_uris():
        raise _error(
            "redirect_uri",
            "invalid_redirect_uri",
            "This redirect URI is not registered for the application.",
        )
    return application


def authorization_scope_check(*, response_type: str, scope: str) -> str:
    """The normalised scope of an authorization request (DEFAULT_SCOPE when empty).

    Raised codes (`unsupported_response_type`, `invalid_scope`) go back to the redirect URI.
    """
    if response_type != "code":
        raise _error(
            "response_type", "unsupported_response_type", "Only response_type=code is supported."
        )
    requested = scope.split() or DEFAULT_SCOPE.split()
    unknown = unknown_scopes(frozenset(requested))
    if unknown:
        raise _error("scope", "invalid_scope", f"Unknown scopes: {' '.join(sorted(unknown))}.")
    return " ".join(dict.fromkeys(requested))  # de-duplicated, in the order asked


@transaction.atomic
def authorization_code_create(
    *,
    user: AbstractBaseUser,
    application: Application,
    redirect_uri: str,
    scope: str,
    now: dt.datetime | None = None,
) -> str:
    """The person allowed the application: grant it `scope` and return a one-time code."""
    now = now or timezone.now()
    account = user_account_ensure(user=user, now=now)
    grant_upsert(application=application, account=account, scope=scope, now=now)
    raw = credentials.new_token()
    AuthorizationCode.objects.create(
        application=application,
        account=account,
        code_hash=credentials.hash_token(raw),
        redirect_uri=redirect_uri,
        scope=scope,
        expires_at=now + dt.timedelta(seconds=settings.AUTHORIZATION_CODE_LIFETIME_SECONDS),
        created_at=now,
        updated_at=now,
    )
    return raw


def authorization_code_exchange(
    *, application: Application, code: str, redirect_uri: str, now: dt.datetime | None = None
) -> IssuedTokens:
    """Redeem an authorization code for tokens (grant_type=authorization_code).

    A code works once. Presenting it again means it leaked (or the client is broken), so the
    grant it created is revoked with every token issued under it (RFC 6749 section 4.1.2).
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The row lock makes a concurrent second use wait, then see used_at and revoke.
        stored = (
            AuthorizationCode.objects.select_for_update()
            .filter(code_hash=credentials.hash_token(code), application=application)
            .first()
        )
        if stored is None:
            raise _invalid_grant("The authorization code is invalid.")
        if stored.used_at is None:
            return _code_redeem(stored, redirect_uri=redirect_uri, now=now)
    # Outside the atomic block: the revocation must commit although the request fails.
    grant = Grant.objects.filter(application=application, account_id=stored.account_id).first()
    if grant is not None:
        grant_revoke(grant=grant, now=now)
    raise _invalid_grant("The authorization code was already used; its grant is revoked.")


def _code_redeem(stored: AuthorizationCode, *, redirect_uri: str, now: dt.datetime) -> IssuedTokens:
    if stored.expires_at <= now:
        raise _invalid_grant("The authorization code has expired.")
    if stored.redirect_uri != redirect_uri:
        raise _invalid_grant("redirect_uri does not match the one the code was issued for.")
    grant = Grant.objects.filter(
        application_id=stored.application_id, account_id=stored.account_id, revoked_at__isnull=True
    ).first()
    if grant is None:
        raise _invalid_grant("The authorization was revoked.")
    AuthorizationCode.objects.filter(pk=stored.pk).update(used_at=now, updated_at=now)
    return tokens_issue(grant=grant, now=now)


@transaction.atomic
def refresh_token_exchange(
    *, application: Application, refresh_token: str, now: dt.datetime | None = None
) -> IssuedTokens:
    """New access and refresh tokens for a live refresh token, which is revoked (rotation)."""
    now = now or timezone.now()
    stored = (
        RefreshToken.objects.select_for_update()
        .select_related("grant")
        .filter(token_hash=credentials.hash_token(refresh_token))
        .first()
    )
    if (
        stored is None
        or stored.revoked_at is not None
        or stored.grant.application_id != application.pk
        or stored.grant.revoked_at is not None
    ):
        raise _invalid_grant(
            "The refresh token is invalid, revoked or not this client's.", "refresh_token"
        )
    RefreshToken.objects.filter(pk=stored.pk).update(revoked_at=now, updated_at=now)
    return tokens_issue(grant=stored.grant, now=now)


def token_exchange(
    *,
    application: Application,
    grant_type: str,
    code: str = "",
    redirect_uri: str = "",
    refresh_token: str = "",
    now: dt.datetime | None = None,
) -> IssuedTokens:
    """Tokens for a token request (POST /oauth/token), by its grant type.

    Each grant type needs its own parameters (RFC 6749 4.1.3, 6); a missing one is
    `invalid_request`, an unknown grant type `unsupported_grant_type`.
    """
    if grant_type == "authorization_code":
        _required(code=code, redirect_uri=redirect_uri)
        return authorization_code_exchange(
            application=application, code=code, redirect_uri=redirect_uri, now=now
        )
    if grant_type == "refresh_token":
        _required(refresh_token=refresh_token)
        return refresh_token_exchange(application=application, refresh_token=refresh_token, now=now)
    raise _error("grant_type", "unsupported_grant_type", "Use authorization_code or refresh_token.")


def _required(**values: str) -> None:
    for field, value in values.items():
        if not value:
            raise _error(field, "invalid_request", "This field is required.")


def authorization_revoke(
    *,
    application: Application,
    token: str = "",
    sub: str = "",
    now: dt.datetime | None = None,
) -> None:
    """Revoke the application's grant named by one of its tokens (access or refresh) or by sub.

    Unknown tokens, and tokens or subs of other applications, are ignored without telling the
    caller (RFC 7009 section 2.2: the response is 200 either way).
    """
    if not token and not sub:
        raise _error("token", "invalid_request", "Give a token or a sub to revoke.")
    grants = Grant.objects.filter(application=application)
    grant = None
    if token:
        digest = credentials.hash_token(token)
        grant = (
            grants.filter(access_tokens__token_hash=digest).first()
            or grants.filter(refresh_tokens__token_hash=digest).first()
        )
    elif sub:
        grant = grants.filter(account__sub=sub).first()
    if grant is not None:
        grant_revoke(grant=grant, now=now)
