"""Who is calling: resolve presented credentials to an application (and account)."""

import datetime as dt

from django.utils import timezone

from scheduling import credentials
from scheduling.models import AccessToken, Application, ApplicationSecret


def access_token_lookup(*, raw: str, now: dt.datetime | None = None) -> AccessToken | None:
    """The live access token for `raw` (not expired, not revoked, grant and application live)."""
    if not raw:
        return None
    now = now or timezone.now()
    token = (
        AccessToken.objects.select_related("grant__application", "grant__account")
        .filter(token_hash=credentials.hash_token(raw))
        .first()
    )
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at <= now
        or token.grant.revoked_at is not None
        or not token.grant.application.is_active
    ):
        return None
    return token


def application_for_secret(*, raw: str) -> Application | None:
    """The active application whose active client secret (API key) is `raw`."""
    if not raw:
        return None
    secret = (
        ApplicationSecret.objects.select_related("application")
        .filter(secret_hash=credentials.hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if secret is None or not secret.application.is_active:
        return None
    return secret.application


def application_for_client_credentials(*, client_id: str, client_secret: str) -> Application | None:
    application = application_for_secret(raw=client_secret)
    if application is None or application.client_id != client_id:
        return None
    return application
