"""What a booking tells the integrator (the signed completed callback), the "no times" callbacks,
and links that are switched off or run out."""

import json

import pycronofy
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.selectors.scheduling_requests import scheduling_request_options
from bookings.services.booking import LinkUnavailable, scheduling_request_book
from bookings.services.scheduling_requests import (
    scheduling_request_disable,
    scheduling_request_no_times,
)
from scheduling.services.callbacks import callbacks_deliver_due
from tests.api_helpers import at, period
from tests.bookings.factories import make_scheduling_request, scheduling_body, sequencing_body
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(app_creds):
    return [make_account(app_creds.application) for _ in range(2)]


def delivered(receiver, app_creds) -> dict:
    assert callbacks_deliver_due() == 1
    (received,) = receiver.wait_for(1)
    client = pycronofy.Client(client_secret=app_creds.client_secret)
    assert client.hmac_valid(received.headers["Cronofy-HMAC-SHA256"], received.body.decode())
    return json.loads(received.body)


def test_completed_callback_is_signed_and_carries_event_and_participants(
    app_creds, people, receiver
):
    body = scheduling_body(people, callback_urls={"completed_url": receiver.url})
    request = make_scheduling_request(app_creds.application, body)
    scheduling_request_book(scheduling_request=request, starts=(at(10),), user_tzid="Asia/Tokyo")
    sent = delivered(receiver, app_creds)
    assert sent["event"] == {
        "event_id": "interview-1",
        "summary": "Interview",
        "start": {"time": "2025-03-03T10:00:00Z", "tzid": "Europe/London"},
        "end": {"time": "2025-03-03T11:00:00Z", "tzid": "Europe/London"},
    }
    assert sent["participants"] == [{"sub": people[0].sub}, {"sub": people[1].sub}]
    assert sent["real_time_scheduling"] == {
        "real_time_scheduling_id": request.real_time_scheduling_id
    }
    assert sent["user"] == {"tzid": "Asia/Tokyo"}


def test_legacy_callback_url_is_the_completed_url(app_creds, people, receiver):
    request = make_scheduling_request(
        app_creds.application, scheduling_body(people, callback_url=receiver.url)
    )
    scheduling_request_book(scheduling_request=request, starts=(at(9),), user_tzid="Etc/UTC")
    assert delivered(receiver, app_creds)["event"]["start"]["time"] == "2025-03-03T09:00:00Z"


def test_sequencing_callback_spans_the_sequence_and_lists_each_step(app_creds, people, receiver):
    body = sequencing_body(people[0], people[1], callback_urls={"completed_url": receiver.url})
    request = make_scheduling_request(app_creds.application, body, kind="sequencing")
    scheduling_request_book(scheduling_request=request, starts=(at(9), at(11)), user_tzid="Etc/UTC")
    sent = delivered(receiver, app_creds)
    assert (sent["event"]["start"]["time"], sent["event"]["end"]["time"]) == (
        "2025-03-03T09:00:00Z",
        "2025-03-03T12:00:00Z",
    )
    assert sent["sequence"] == [
        {
            "sequence_id": "screen",
            "event": {
                "event_id": "loop-1_screen",
                "summary": "Step screen",
                "start": "2025-03-03T09:00:00Z",
                "end": "2025-03-03T10:00:00Z",
            },
            "participants": [{"sub": people[0].sub}],
        },
        {
            "sequence_id": "onsite",
            "event": {
                "event_id": "loop-1_onsite",
                "summary": "Step onsite",
                "start": "2025-03-03T11:00:00Z",
                "end": "2025-03-03T12:00:00Z",
            },
            "participants": [{"sub": people[1].sub}],
        },
    ]


def test_no_times_suitable_is_sent_each_time_the_visitor_says_so(app_creds, people, receiver):
    urls = {"no_times_suitable_url": receiver.url}
    request = make_scheduling_request(
        app_creds.application, scheduling_body(people, callback_urls=urls)
    )
    scheduling_request_no_times(scheduling_request=request, reason="no_times_suitable")
    sent = delivered(receiver, app_creds)
    assert sent["notification"] == {"type": "no_times_suitable"}
    assert sent["event"]["event_id"] == "interview-1"


def test_no_times_displayed_is_sent_once_per_link(app_creds, people, receiver):
    urls = {"no_times_displayed_url": receiver.url}
    request = make_scheduling_request(
        app_creds.application, scheduling_body(people, callback_urls=urls)
    )
    first = scheduling_request_no_times(scheduling_request=request, reason="no_times_displayed")
    again = scheduling_request_no_times(scheduling_request=request, reason="no_times_displayed")
    assert first is not None
    assert again is None
    assert delivered(receiver, app_creds)["notification"] == {"type": "no_times_displayed"}


def test_a_disabled_link_books_nothing(app_creds, people):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    scheduling_request_disable(scheduling_request=request, display_message="Position filled")
    with pytest.raises(LinkUnavailable) as caught:
        scheduling_request_book(scheduling_request=request, starts=(at(9),), user_tzid="Etc/UTC")
    assert caught.value.status == "disabled"
    assert request.claims.count() == 0


def test_a_link_expires_when_its_last_period_ends(app_creds, people, clock):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    assert request.status_at(at(11.99)) == "enabled"
    assert request.status_at(at(12)) == "expired"
    clock.move_to(at(12))
    with pytest.raises(LinkUnavailable) as caught:
        scheduling_request_book(scheduling_request=request, starts=(at(9),), user_tzid="Etc/UTC")
    assert caught.value.status == "expired"


def test_minimum_notice_hides_times_too_soon(app_creds, people, clock):
    body = scheduling_body(people, minimum_notice={"hours": 2})
    request = make_scheduling_request(app_creds.application, body)
    clock.move_to(at(8))
    options = scheduling_request_options(scheduling_request=request, now=at(8))
    assert [o[0].start for o in options] == [at(10), at(10.5), at(11)]


def _queries(app_creds, members: int, book: bool) -> int:
    people = [make_account(app_creds.application) for _ in range(members)]
    request = make_scheduling_request(
        app_creds.application, scheduling_body(people, periods=[period(9, 12)])
    )
    with CaptureQueriesContext(connection) as captured:
        if book:
            scheduling_request_book(
                scheduling_request=request, starts=(at(9),), user_tzid="Etc/UTC"
            )
        else:
            scheduling_request_options(scheduling_request=request, now=at(0))
    return len(captured)


@pytest.mark.parametrize("book", [False, True], ids=["options", "booking"])
def test_query_count_does_not_grow_with_the_members(app_creds, book):
    assert _queries(app_creds, 2, book) == _queries(app_creds, 6, book)
