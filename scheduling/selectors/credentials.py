"""Who is calling: resolve presented credentials to an application (and account)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from scheduling import credentials
from scheduling.models import (
    AccessToken,
    Account,
    Application,
    ApplicationSecret,
    ElementToken,
    Grant,
)
from scheduling.scopes import READ_WRITE, parse_scope
from scheduling.selectors.access import accounts_visible_to


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


def application_of_hashed(*, rows: QuerySet, field: str, raw: str) -> Application | None:
    """The active application of the row among `rows` whose `field` holds the hash of `raw` (a
    credential the platform issued and stores only hashed); None for a blank `raw`, no such row,
    or an inactive application. One query."""
    if not raw:
        return None
    row = rows.select_related("application").filter(**{field: credentials.hash_token(raw)}).first()
    if row is None or not row.application.is_active:
        return None
    return row.application


def application_for_secret(*, raw: str) -> Application | None:
    """The active application whose active client secret (API key) is `raw`."""
    return application_of_hashed(
        rows=ApplicationSecret.objects.filter(revoked_at__isnull=True), field="secret_hash", raw=raw
    )


def application_for_client_credentials(*, client_id: str, client_secret: str) -> Application | None:
    application = application_for_secret(raw=client_secret)
    if application is None or application.client_id != client_id:
        return None
    return application


@dataclass(frozen=True)
class ElementGrant:
    """A live element token, resolved: its accounts (the subs, in the order given), its
    permissions, its origin, and what the application may do for its first account."""

    token: ElementToken
    accounts: tuple[Account, ...]
    # The scopes of the application's access to accounts[0]: its grant's scope for a person,
    # read_write for an application calendar or resource of its own.
    scopes: frozenset[str]

    @property
    def application(self) -> Application:
        return self.token.application

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset(self.token.permissions)

    @property
    def origin(self) -> str:
        return self.token.origin


def element_token_lookup(*, raw: str, now: dt.datetime | None = None) -> ElementGrant | None:
    """The live element token for `raw`: not expired, its application active, and every one of its
    subs still an account the application sees (a person who revoked their grant since the token
    was issued ends it). Three queries at most."""
    if not raw:
        return None
    now = now or timezone.now()
    token = (
        ElementToken.objects.select_related("application")
        .filter(token_hash=credentials.hash_token(raw))
        .first()
    )
    if token is None or token.expires_at <= now or not token.application.is_active:
        return None
    visible = accounts_visible_to(application=token.application).filter(sub__in=token.subs)
    by_sub = {account.sub: account for account in visible}
    if not token.subs or any(sub not in by_sub for sub in token.subs):
        return None
    accounts = tuple(by_sub[sub] for sub in token.subs)
    return ElementGrant(token, accounts, application_scopes_for(token.application, accounts[0]))


def application_scopes_for(application: Application, account: Account) -> frozenset[str]:
    """What `application` may do for `account` without the account's own token: everything for
    the accounts it created, what the person granted for anyone else (nothing without a grant)."""
    if account.application_id == application.pk:
        return frozenset({READ_WRITE})
    scope = (
        Grant.objects.filter(application=application, account=account, revoked_at__isnull=True)
        .values_list("scope", flat=True)
        .first()
    )
    return parse_scope(scope or "")
