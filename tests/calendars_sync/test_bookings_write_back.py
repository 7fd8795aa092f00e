"""Bookings of a resource are posted to its connected calendar (OnSched: "we will also post
appointments to that calendar"): a /v2 booking, its cancellation, and a class, through the real
Google adapter against the fake Google; the copies never come back as second, external events."""

import datetime as dt

import pytest

from calendars_sync.oauth import TokenSet
from calendars_sync.services.connections import (
    connection_activate,
    connection_ensure,
    oauth_secrets,
)
from calendars_sync.services.sync import connection_sync
from scheduling.models import Event
from tests.bookings.v2.bookings_calls import HOUR, START, class_body, created, iso, make_resource
from tests.bookings.v2.conftest import V2Client
from tests.calendars_sync.conftest import NOW

pytestmark = pytest.mark.django_db
GMAIL = "room1@gmail.test"


@pytest.fixture
def google(fake_google):
    fake_google.add_user(GMAIL)
    return fake_google


@pytest.fixture
def room(google, app_creds):
    """A resource whose Google calendar is connected and synced once."""
    resource = make_resource(app_creds.application, name="Room 1")
    granted = google.grant(GMAIL)
    tokens = TokenSet(
        access_token=granted["access_token"],
        refresh_token=granted["refresh_token"],
        expires_at=NOW + dt.timedelta(seconds=granted["expires_in"]),
    )
    pending = connection_ensure(account=resource, provider="google", external_account=GMAIL)
    connection = connection_activate(connection=pending, secrets=oauth_secrets(tokens), now=NOW)
    connection_sync(connection=connection, now=NOW)
    resource.connection = connection
    return resource


@pytest.fixture
def v2(app_creds, django_capture_on_commit_callbacks):
    """/v2 calls whose after-commit work (the write-back task, run at once by the tests' q2)
    happens before the call returns, as it would shortly after in a running system."""

    class Committing(V2Client):
        def v2(self, method, path, body=None, **extra):
            with django_capture_on_commit_callbacks(execute=True):
                return super().v2(method, path, body, **extra)

    return Committing(app_creds.client_secret)


def live_at_google(google) -> list[dict]:
    return [e for e in google.events(GMAIL) if e.get("status") != "cancelled"]


def booking_body(resource) -> dict:
    return {
        "graph": "instant",
        "resource_id": resource.sub,
        "start": iso(START),
        "end": iso(START + HOUR),
        "what": "Consultation",
        "customer": {"name": "Marty McFly", "email": "marty@example.test"},
    }


def test_a_booking_is_posted_to_the_resources_google_calendar(google, room, v2):
    booking = created(v2, booking_body(room))
    [copy] = live_at_google(google)
    assert copy["summary"] == "Consultation"
    start = dt.datetime.fromisoformat(copy["start"]["dateTime"])
    assert start == START
    assert booking["state"] == "confirmed"


def test_a_cancelled_booking_is_removed_from_the_google_calendar(google, room, v2):
    booking = created(v2, booking_body(room))
    assert len(live_at_google(google)) == 1
    response = v2.v2("PUT", f"/v2/bookings/{booking['id']}/cancel", {"cancel": {}})
    assert response.status_code == 200, response.json()
    assert live_at_google(google) == []


def test_the_posted_copy_is_not_imported_back(google, room, v2):
    created(v2, booking_body(room))
    connection_sync(connection=room.connection, now=NOW + dt.timedelta(minutes=1))
    synced = Event.objects.filter(calendar__account=room, external_id__isnull=False, deleted=False)
    assert list(synced) == []
    booked = Event.objects.filter(calendar__account=room, deleted=False)
    assert [e.summary for e in booked] == ["Consultation"]


def test_a_class_is_posted_once(google, room, v2):
    created(v2, class_body(room))
    assert [e["summary"] for e in live_at_google(google)] == ["Flux capacitance"]
