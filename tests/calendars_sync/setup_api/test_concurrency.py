"""Concurrent updates of one resource's calendar end with one external calendar, never two."""

import time

from calendars_sync.models import Connection, SetupResource
from calendars_sync.services import setup_resources
from calendars_sync.services.setup_resources import ResourceInput, setup_resource_update
from scheduling.models import Account
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import make_account, make_application

pytestmark = needs_concurrent_writers


def test_racing_google_and_outlook_updates_leave_one_calendar(monkeypatch):
    resource = make_account(make_application().application, kind=Account.Kind.RESOURCE)
    calendar_ids = setup_resources._calendar_ids

    def slow_calendar_ids(setup, data):
        time.sleep(0.05)  # between reading the resource and writing it: where racers overlap
        return calendar_ids(setup, data)

    monkeypatch.setattr(setup_resources, "_calendar_ids", slow_calendar_ids)

    def run(n: int) -> None:
        address = f"r{n}@example.test"
        data = (
            ResourceInput(google_calendar_id=address)
            if n % 2
            else ResourceInput(outlook_calendar_id=address)
        )
        setup_resource_update(resource=Account.objects.get(pk=resource.pk), data=data)

    race(8, run)

    setup = SetupResource.objects.get(account=resource)
    chosen = setup.google_calendar_id or setup.outlook_calendar_id
    assert bool(setup.google_calendar_id) != bool(setup.outlook_calendar_id)
    live = Connection.objects.exclude(state=Connection.State.DISCONNECTED)
    assert list(live.values_list("external_account", flat=True)) == [chosen]
    assert Connection.objects.count() == 8
