"""Crowds through the live server on PostgreSQL: 50 visitors for 20 seats get exactly 20, and 50
visitors for one slot get one booking."""

import datetime as dt
from collections import Counter

import pytest
import requests

from bookings.models import Booking
from scheduling.models import Account, Event
from tests.bookings.classes import make_class
from tests.bookings.v2.conftest import basic
from tests.clock import FROZEN_NOW
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import make_account, primary_calendar

pytestmark = needs_concurrent_writers

RACERS = 50


@pytest.fixture
def visitors(live_server):
    """visitors(key): one keep-alive connection per visitor, opened before the race (the live
    server's listen backlog is small: fifty new connections at once would be reset, not raced).
    Closed afterwards, so that the live server (one for the whole session) lets go of the
    database connections its fifty threads hold."""
    opened: list[requests.Session] = []

    def open_sessions(key: str) -> list[requests.Session]:
        for _ in range(RACERS):
            session = requests.Session()
            opened.append(session)
            session.headers["Authorization"] = basic(key)
            assert session.get(f"{live_server.url}/v2/resources", timeout=30).status_code == 200
        return opened[-RACERS:]

    yield open_sessions
    for session in opened:
        session.close()


def test_fifty_seat_requests_for_twenty_seats_take_exactly_twenty(
    live_server, app_creds, resource, visitors
):
    klass = make_class(app_creds, resource, max_seats=20)
    sessions = visitors(app_creds.client_secret)

    def take_a_seat(n: int) -> int:
        return (
            sessions[n]
            .post(
                f"{live_server.url}/v2/bookings",
                json={
                    "graph": "group_customer",
                    "related": {"owner_booking_id": str(klass.booking_id)},
                    "customer": {"name": f"Visitor {n}", "email": f"v{n}@example.test"},
                },
                timeout=60,
            )
            .status_code
        )

    statuses = Counter(race(RACERS, take_a_seat))

    assert statuses == {201: 20, 422: 30}
    klass.refresh_from_db()
    assert klass.taken_seats == 20
    assert klass.seat_bookings.filter(state="confirmed").count() == 20


def test_fifty_instant_bookings_of_one_slot_make_one_booking(live_server, app_creds, visitors):
    resource = make_account(app_creds.application, kind=Account.Kind.RESOURCE, name="Room")
    start = FROZEN_NOW + dt.timedelta(days=3)
    sessions = visitors(app_creds.client_secret)

    def book(n: int) -> tuple[int, tuple[str, ...]]:
        answer = sessions[n].post(
            f"{live_server.url}/v2/bookings",
            json={
                "graph": "instant",
                "resource_id": resource.sub,
                "start": start.isoformat(),
                "end": (start + dt.timedelta(hours=1)).isoformat(),
                "what": "Consultation",
                "customer": {"name": f"Visitor {n}", "email": f"v{n}@example.test"},
            },
            timeout=60,
        )
        return answer.status_code, tuple(sorted(answer.json().get("errors", {})))

    statuses = Counter(race(RACERS, book))

    # The losers are told the time is taken (not refused for anything else).
    assert statuses == {(201, ()): 1, (422, ("start",)): RACERS - 1}
    assert Booking.objects.filter(graph="instant", state="confirmed").count() == 1
    calendar = primary_calendar(resource)
    assert Event.objects.filter(calendar=calendar, deleted=False).count() == 1
