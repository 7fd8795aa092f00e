"""What the integrator's receiver gets when a visitor uses a page: the outbox delivers (q2 in
sync mode in tests, once the page's transaction commits), signed with the client secret."""

import pytest
from django.test import Client

from tests.api_helpers import at, z
from tests.bookings.factories import scheduling_body, sequencing_body
from tests.bookings.pages.conftest import link_for
from tests.factories import make_account

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(app_creds):
    return [make_account(app_creds.application, name=name) for name in ("Ada", "Grace")]


def test_confirming_a_sequence_sends_the_signed_completed_callback(app_creds, people, receiver):
    # Seed 002's shape: the legacy top-level callback_url.
    body = sequencing_body(people[0], people[1], callback_url=receiver.url)
    link = link_for(app_creds.application, body, kind="sequencing")

    response = Client().post(
        link.url("booking-confirm"), {"start": [z(at(9)), z(at(10))], "tz": "Asia/Tokyo"}
    )

    assert response.status_code == 302
    [callback] = receiver.wait_for(1)
    assert callback.signed_with(app_creds.client_secret)
    sent = callback.json()
    assert sent["event"]["event_id"] == "loop-1"
    assert sent["event"]["start"] == {"time": "2025-03-03T09:00:00Z", "tzid": "Europe/London"}
    assert sent["event"]["end"] == {"time": "2025-03-03T11:00:00Z", "tzid": "Europe/London"}
    assert sent["participants"] == [{"sub": people[0].sub}, {"sub": people[1].sub}]
    assert sent["user"] == {"tzid": "Asia/Tokyo"}
    assert [
        (s["sequence_id"], s["event"]["start"], s["participants"]) for s in sent["sequence"]
    ] == [
        ("screen", "2025-03-03T09:00:00Z", [{"sub": people[0].sub}]),
        ("onsite", "2025-03-03T10:00:00Z", [{"sub": people[1].sub}]),
    ]


def test_none_suitable_sends_the_signed_callback(app_creds, people, receiver):
    body = scheduling_body(people, callback_urls={"no_times_suitable_url": receiver.url})
    link = link_for(app_creds.application, body)

    Client().post(link.url("booking-none-suitable"))

    [callback] = receiver.wait_for(1)
    assert callback.signed_with(app_creds.client_secret)
    assert callback.json()["notification"] == {"type": "no_times_suitable"}
