"""OnSched-shaped resources (`/setup/v1/resources`): a core resource account plus its
SetupResource, and the one external calendar (Google or Outlook) it may connect.

One external calendar per resource, as OnSched's guide says ("You cannot sync to both google and
outlook calendars, only one"): a request that sets both is refused; setting one on a resource
that has the other switches, and the other's connection is disconnected (its calendars stop
counting as busy time, its link stops working). Setting an address creates the pending
connection that its authorization link (services/authorization.py) activates.

`calendarAvailability` (0 local only, 1 Google, 2 Outlook) decides whether the connected
calendar's events count as busy time: the connection's `counts_as_busy` and its core calendars'
are kept in step by `connection_counts_as_busy_set`, the one place that writes them.

Errors name OnSched's field paths (`options.googleCalendarId`), since this API is the only caller.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from calendars_sync.models import Connection, Provider, SetupResource
from calendars_sync.selectors import access_setup_resource
from calendars_sync.services.connections import connection_ensure, connection_mark_disconnected
from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import Account, Application, Calendar
from scheduling.services.accounts import resource_create, resource_update

GOOGLE, OUTLOOK = (
    SetupResource.CalendarAvailability.GOOGLE,
    SetupResource.CalendarAvailability.OUTLOOK,
)
# calendarAvailability value that makes each provider's calendar count.
COUNTING = {Provider.GOOGLE: GOOGLE, Provider.MICROSOFT: OUTLOOK}
OAUTH_PROVIDERS = (Provider.GOOGLE, Provider.MICROSOFT)
ONLY_ONE = "A resource syncs with one external calendar: Google or Outlook, not both."


@dataclass(frozen=True)
class ResourceInput:
    """What a create or update gives. None: not given (an update keeps the value; "" clears a
    calendar id or return URL)."""

    name: str | None = None
    email: str | None = None
    description: str | None = None
    tzid: str | None = None
    # Other OnSched fields (address, contact, customFields, ...) and options, kept as given.
    extra: dict = field(default_factory=dict)
    options_extra: dict = field(default_factory=dict)
    calendar_availability: int | None = None
    google_calendar_id: str | None = None
    outlook_calendar_id: str | None = None
    google_return_url: str | None = None
    outlook_return_url: str | None = None


@transaction.atomic
def setup_resource_create(
    *, application: Application, data: ResourceInput, now: dt.datetime | None = None
) -> Account:
    """A new resource of `application` with its OnSched fields (name and email required)."""
    now = now or timezone.now()
    resource = resource_create(
        application=application,
        name=data.name or "",
        email=data.email or "",
        default_tzid=data.tzid or "Etc/UTC",
        now=now,
    )
    _apply(SetupResource(account=resource, created_at=now), data, now)
    return resource


@transaction.atomic
def setup_resource_update(
    *, resource: Account, data: ResourceInput, now: dt.datetime | None = None
) -> Account:
    """Change what `data` gives of the resource. The account is locked first, so that two
    updates of one resource (a PUT and a calendar-auth call) apply one after the other."""
    now = now or timezone.now()
    resource = Account.objects.select_for_update().get(pk=resource.pk)
    resource_update(
        resource=resource, name=data.name, email=data.email, default_tzid=data.tzid, now=now
    )
    setup = SetupResource.objects.filter(account=resource).first()
    _apply(setup or SetupResource(account=resource, created_at=now), data, now)
    return resource


@transaction.atomic
def setup_resources_bulk_update(
    *,
    application: Application,
    items: list[tuple[str, ResourceInput]],
    now: dt.datetime | None = None,
) -> list[Account]:
    """Update each (resource id, input) in order, all or nothing: every item's errors are
    collected under `<index>.<field>` (an unknown id under `<index>.id`) and, if there are any,
    raised together after every update is rolled back."""
    now = now or timezone.now()
    errors: dict[str, list[tuple[str, str]]] = {}
    updated = []
    for index, (resource_id, data) in enumerate(items):
        try:
            resource = access_setup_resource(application=application, resource_id=resource_id)
            updated.append(setup_resource_update(resource=resource, data=data, now=now))
        except NotFound as exc:
            errors[f"{index}.id"] = [("not_found", exc.description)]
        except ValidationFailed as exc:
            for name, problems in exc.errors.items():
                errors[f"{index}.{name}"] = problems
    if errors:
        raise ValidationFailed(errors)  # leaves the atomic block: nothing is kept
    return updated


@transaction.atomic
def setup_resource_delete(*, resource: Account, now: dt.datetime | None = None) -> Account:
    """OnSched's soft delete: the resource is listed with `deleted=true` only and keeps its
    account, calendars and connections; by id it answers 404 from now on."""
    now = now or timezone.now()
    setup = SetupResource.objects.select_for_update().filter(account=resource).first()
    setup = setup or SetupResource(account=resource, created_at=now)
    setup.deleted = True
    setup.updated_at = now
    setup.save()
    resource.setup_resource = setup
    return resource


def setup_resource_calendar_auth(
    *,
    resource: Account,
    provider: str,
    email: str,
    return_url: str | None,
    now: dt.datetime | None = None,
) -> Connection:
    """OnSched's `GET .../calendar/auth/{google|outlook}/{email}`: make `email` the resource's
    calendar at `provider` (switching from the other provider or address as an update would) and
    answer its connection, for an authorization link."""
    now = now or timezone.now()
    if provider == Provider.GOOGLE:
        data = ResourceInput(google_calendar_id=email, google_return_url=return_url)
    else:
        data = ResourceInput(outlook_calendar_id=email, outlook_return_url=return_url)
    with transaction.atomic():
        resource = setup_resource_update(resource=resource, data=data, now=now)
        return connection_ensure(account=resource, provider=provider, external_account=email)


def _calendar_ids(setup: SetupResource, data: ResourceInput) -> tuple[str, str]:
    """The (google, outlook) addresses after `data`: the one given wins over the one kept."""
    google_given, outlook_given = data.google_calendar_id, data.outlook_calendar_id
    if google_given and outlook_given:
        raise ValidationFailed.one("options.outlookCalendarId", "invalid", ONLY_ONE)
    google = setup.google_calendar_id if google_given is None else google_given.strip()
    outlook = setup.outlook_calendar_id if outlook_given is None else outlook_given.strip()
    if google_given:
        outlook = ""
    if outlook_given:
        google = ""
    return google, outlook


def _apply(setup: SetupResource, data: ResourceInput, now: dt.datetime) -> None:
    setup.google_calendar_id, setup.outlook_calendar_id = _calendar_ids(setup, data)
    if data.description is not None:
        setup.description = data.description
    extra = dict(setup.extra or {})
    extra.update(data.extra)
    if data.options_extra:
        extra["options"] = dict(extra.get("options") or {}) | data.options_extra
    setup.extra = extra
    if data.calendar_availability is not None:
        setup.calendar_availability = data.calendar_availability
    if data.google_return_url is not None:
        setup.google_auth_return_url = data.google_return_url
    if data.outlook_return_url is not None:
        setup.outlook_auth_return_url = data.outlook_return_url
    setup.updated_at = now
    setup.save()
    setup.account.setup_resource = setup
    _connections_follow(setup, now)


def _connections_follow(setup: SetupResource, now: dt.datetime) -> None:
    """Bring the resource's Google and Microsoft connections in line with its calendar ids and
    calendarAvailability: the chosen address's connection exists (pending until authorized;
    one disconnected earlier waits for a new authorization), every other one is disconnected,
    and only the chosen one counts as busy time, when calendarAvailability names its provider."""
    account = setup.account
    chosen = {
        Provider.GOOGLE: setup.google_calendar_id.lower(),
        Provider.MICROSOFT: setup.outlook_calendar_id.lower(),
    }
    for provider, email in chosen.items():
        if email:
            connection = connection_ensure(
                account=account, provider=provider, external_account=email, now=now
            )
            if connection.state == Connection.State.DISCONNECTED:
                Connection.objects.filter(pk=connection.pk).update(
                    state=Connection.State.PENDING, updated_at=now
                )
    connections = Connection.objects.select_for_update().filter(
        account=account, provider__in=OAUTH_PROVIDERS
    )
    for connection in connections:
        current = connection.external_account == chosen[Provider(connection.provider)]
        if not current and connection.state != Connection.State.DISCONNECTED:
            # Switching back and authorizing again finds its calendars and events. Its push
            # channels are left to expire: no provider call inside this transaction.
            connection_mark_disconnected(connection=connection, now=now)
        counts = current and setup.calendar_availability == COUNTING[connection.provider]
        connection_counts_as_busy_set(connection=connection, counts_as_busy=counts, now=now)
    # The prefetched connections the presenter reads are stale now.
    getattr(account, "_prefetched_objects_cache", {}).pop("sync_connections", None)


def connection_counts_as_busy_set(
    *, connection: Connection, counts_as_busy: bool, now: dt.datetime | None = None
) -> None:
    """Whether the connection's calendars count as busy time: the connection's flag (which
    calendars synced later copy) and its core calendars' flag (which the availability engine
    reads), written together."""
    now = now or timezone.now()
    Connection.objects.filter(pk=connection.pk).exclude(counts_as_busy=counts_as_busy).update(
        counts_as_busy=counts_as_busy, updated_at=now
    )
    connection.counts_as_busy = counts_as_busy
    if connection.profile_id is not None:
        Calendar.objects.filter(profile_id=connection.profile_id).exclude(
            counts_as_busy=counts_as_busy
        ).update(counts_as_busy=counts_as_busy, updated_at=now)
