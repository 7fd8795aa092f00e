"""Reads of the OnSched-shaped set-up API: who is calling, which resources it sees, and the
external-calendar connections shown with them.

A `/setup/v1` resource is a core resource account (`res_`) of the calling application; its
OnSched fields live in SetupResource, which a resource created through another API (/v1, /v2)
does not have yet (it reads with the defaults until a set-up call writes it). Another
application's resource answers "not found", as a missing one does.
"""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from calendars_sync.models import Connection, Provider, SetupResource, SetupToken
from scheduling.errors import NotFound
from scheduling.models import Account, Application
from scheduling.selectors.credentials import application_of_hashed


def setup_token_application(*, raw: str, now: dt.datetime | None = None) -> Application | None:
    """The active application of the live (unexpired) set-up token `raw`."""
    now = now or timezone.now()
    return application_of_hashed(
        rows=SetupToken.objects.filter(expires_at__gt=now), field="token_hash", raw=raw
    )


def _resources(application: Application) -> QuerySet[Account]:
    return (
        Account.objects.filter(application=application, kind=Account.Kind.RESOURCE)
        .select_related("setup_resource")
        .prefetch_related(
            Prefetch(
                "sync_connections",
                queryset=Connection.objects.filter(
                    provider__in=[Provider.GOOGLE, Provider.MICROSOFT]
                ),
            )
        )
    )


def setup_resources_list(
    *, application: Application, deleted: bool, offset: int, limit: int
) -> tuple[list[Account], int]:
    """One page of the application's resources (oldest first) and how many there are in all;
    `deleted` picks the soft-deleted ones instead of the live ones. Three queries, whatever the
    page size (count, page with set-up rows, their connections)."""
    live = Q(setup_resource__isnull=True) | Q(setup_resource__deleted=False)
    resources = _resources(application).filter(~live if deleted else live)
    total = resources.count()
    page = list(resources.order_by("created_at", "id")[offset : offset + limit])
    return page, total


def setup_resources_in_order(*, application: Application, resource_ids: list[str]) -> list[Account]:
    """The application's resources named by `resource_ids`, in that order (a bulk update's
    answer), in two queries."""
    found = {r.sub: r for r in _resources(application).filter(sub__in=resource_ids)}
    return [found[sub] for sub in resource_ids if sub in found]


def access_setup_resource(*, application: Application, resource_id: str) -> Account:
    """The application's live resource `resource_id`, with its set-up row and connections loaded;
    NotFound for a missing, another application's or a deleted resource (a deleted one is only
    listed, with `deleted=true`: it hands out no authorization links and takes no updates)."""
    live = Q(setup_resource__isnull=True) | Q(setup_resource__deleted=False)
    resource = _resources(application).filter(live, sub=resource_id).first()
    if resource is None:
        raise NotFound("Resource not found.")
    return resource


def setup_of(resource: Account) -> SetupResource:
    """The resource's set-up row; an unsaved one with the defaults when it has none yet."""
    try:
        return resource.setup_resource
    except SetupResource.DoesNotExist:
        return SetupResource(
            account=resource, created_at=resource.created_at, updated_at=resource.updated_at
        )


def resource_connection(resource: Account, *, provider: str, email: str) -> Connection | None:
    """The resource's connection to `email` at `provider`, from the prefetched connections."""
    email = email.strip().lower()
    for connection in resource.sync_connections.all():
        if connection.provider == provider and connection.external_account == email:
            return connection
    return None
