"""Connecting the same feed from several requests at once makes one connection."""

from calendars_sync.models import Connection
from calendars_sync.services.connect import ics_connect
from scheduling.models import Profile
from scheduling.services.accounts import user_account_ensure
from tests.calendars_sync.connect.conftest import FEED
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import make_user

pytestmark = needs_concurrent_writers


def test_simultaneous_connects_of_one_feed_make_one_connection(feed_server, monkeypatch):
    monkeypatch.setattr("calendars_sync.services.connections.async_task", lambda *args: None)
    account = user_account_ensure(user=make_user())
    url = feed_server.serve("/feed.ics", FEED)

    connections = race(6, lambda _n: ics_connect(account=account, url=url).pk)

    assert len(set(connections)) == 1
    assert Connection.objects.count() == 1
    assert Profile.objects.filter(account=account, provider_name="ics").count() == 1
