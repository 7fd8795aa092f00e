"""Access helpers for connections: every fetch of a connection for a caller goes through here.

Each answers NotFound for missing, disconnected and another account's alike, so a caller never
learns that someone else's connection exists. A disconnected connection is kept (a reconnect
finds it again, with its profile and calendars), but to its account it is gone.
"""

from django.db.models import QuerySet

from calendars_sync.models import Connection
from scheduling.errors import NotFound
from scheduling.models import Account, Application
from scheduling.selectors.access import accounts_visible_to


def connections_listed(*, account: Account) -> QuerySet[Connection]:
    """The account's connections that are not disconnected, oldest first, with their profiles."""
    return (
        Connection.objects.filter(account=account)
        .exclude(state=Connection.State.DISCONNECTED)
        .select_related("profile")
        .order_by("created_at", "id")
    )


def access_connection(*, account: Account, connection_id: str) -> Connection:
    connection = connections_listed(account=account).filter(connection_id=connection_id).first()
    if connection is None:
        raise NotFound(f"No connection {connection_id!r}")
    return connection


def access_account(*, application: Application, sub: str) -> Account:
    """An account the application sees (one it created, or one with a live grant to it), for
    calls made with its API key on behalf of `sub`."""
    account = accounts_visible_to(application=application).filter(sub=sub).first()
    if account is None:
        raise NotFound(f"No account {sub!r}")
    return account


def access_application_connection(*, application: Application, connection_id: str) -> Connection:
    """A connection of any account the application sees (API key calls naming a connection)."""
    connection = (
        Connection.objects.filter(
            connection_id=connection_id,
            account__in=accounts_visible_to(application=application),
        )
        .exclude(state=Connection.State.DISCONNECTED)
        .select_related("account")
        .first()
    )
    if connection is None:
        raise NotFound(f"No connection {connection_id!r}")
    return connection
