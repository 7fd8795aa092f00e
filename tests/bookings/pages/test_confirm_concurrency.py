"""Fifty visitors confirm at once over HTTP (PostgreSQL): exactly one booking."""

import re
from collections import Counter

import requests

from bookings.models import SlotClaim
from scheduling.models import Event
from tests.api_helpers import at, z
from tests.bookings.factories import scheduling_body
from tests.bookings.pages.conftest import link_for
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import make_account

pytestmark = needs_concurrent_writers

RACERS = 50
LINKS = 5


def ready_to_confirm(url: str) -> tuple[requests.Session, dict]:
    """A visitor with the confirmation page open: its cookies, and its form's fields."""
    session = requests.Session()
    page = session.get(url, params={"start": z(at(10)), "tz": "Etc/UTC"}, timeout=30)
    assert page.status_code == 200
    form = page.text[page.text.index('<form method="post"') :]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        fields.setdefault(name, []).append(value)
    return session, fields


def test_fifty_concurrent_confirms_book_one_time_once(live_server, app_creds):
    people = [make_account(app_creds.application, name=name) for name in ("Ada", "Grace")]
    # Five links for the same two people: ten visitors on each, all confirming 10:00.
    links = [link_for(app_creds.application, scheduling_body(people)) for _ in range(LINKS)]
    urls = [f"{live_server.url}{link.url('booking-confirm')}" for link in links]
    visitors = [ready_to_confirm(urls[n % LINKS]) for n in range(RACERS)]

    def confirm(n: int) -> int:
        session, fields = visitors[n]
        return session.post(
            urls[n % LINKS], data=fields, allow_redirects=False, timeout=60
        ).status_code

    try:
        statuses = Counter(race(RACERS, confirm))
    finally:
        # The live server lives for the session: closed connections let its threads go, and
        # the database connections they hold.
        for session, _fields in visitors:
            session.close()

    assert statuses[302] == 1
    # The winner's link is used (410 for its other visitors); on the other links the time is
    # taken (409).
    assert statuses == {302: 1, 410: RACERS // LINKS - 1, 409: RACERS - RACERS // LINKS}
    assert Event.objects.filter(event_id="interview-1", deleted=False).count() == 1
    assert sorted(SlotClaim.objects.values_list("account__name", "start")) == [
        ("Ada", at(10)),
        ("Grace", at(10)),
    ]
    assert sum(link.refresh().booked_at is not None for link in links) == 1
