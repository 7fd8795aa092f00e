"""Concurrent reconciles of one account's availability calendar create each period once: the
account row lock makes them take turns."""

import datetime as dt

from scheduling.models import Account, AvailablePeriod
from scheduling.services.availability_calendars import availability_calendar_reconcile
from scheduling.services.calendars import calendar_create
from tests.api_helpers import at
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import make_account, make_event, primary_calendar

pytestmark = needs_concurrent_writers

RACERS = 8
EVENTS = 5


def test_concurrent_reconciles_create_each_period_once(app_creds):
    account = make_account(app_creds.application)
    profile_id = primary_calendar(account).profile.profile_id
    side = calendar_create(account=account, profile_id=profile_id, name="Open")
    for n in range(EVENTS):
        make_event(side, at(n), at(n) + dt.timedelta(hours=1))
    Account.objects.filter(pk=account.pk).update(availability_calendar=side)

    results = race(RACERS, lambda _n: availability_calendar_reconcile(account_id=account.pk))

    assert sum(result.created for result in results) == EVENTS
    assert AvailablePeriod.objects.filter(account=account).count() == EVENTS
