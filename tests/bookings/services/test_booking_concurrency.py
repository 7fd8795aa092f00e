"""Visitors confirming at once (PostgreSQL, real concurrent writers): never a double booking."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from bookings.models import SlotClaim
from bookings.services.booking import LinkUnavailable, TimeTaken, scheduling_request_book
from scheduling.models import Event
from tests.api_helpers import at
from tests.bookings.factories import make_scheduling_request, scheduling_body
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import make_account

pytestmark = needs_concurrent_writers


@pytest.fixture
def people(app_creds):
    return [make_account(app_creds.application) for _ in range(3)]


def attempt(request, start: dt.datetime) -> str:
    try:
        scheduling_request_book(scheduling_request=request, starts=(start,), user_tzid="Etc/UTC")
    except (TimeTaken, LinkUnavailable) as exc:
        return type(exc).__name__
    return "booked"


def test_one_link_confirmed_by_many_at_once_books_once(app_creds, people):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    outcomes = race(8, lambda n: attempt(request, at(9 + (n % 4) * 0.5)))
    assert sorted(outcomes) == ["LinkUnavailable"] * 7 + ["booked"]
    assert Event.objects.filter(event_id="interview-1", deleted=False).count() == 1


def test_links_sharing_a_participant_never_book_overlapping_times(app_creds, people):
    # Each link has its own first member (and target calendar) but all share people[2].
    requests = [
        make_scheduling_request(
            app_creds.application, scheduling_body([make_account(app_creds.application), people[2]])
        )
        for _ in range(8)
    ]
    # Starts 09:00 and 09:30 overlap for a 60-minute event: at most one of them may win.
    outcomes = race(8, lambda n: attempt(requests[n], at(9 + (n % 2) * 0.5)))
    assert sorted(outcomes) == ["TimeTaken"] * 7 + ["booked"]
    assert SlotClaim.objects.filter(account=people[2]).count() == 1


def test_overlapping_claims_of_one_account_are_refused_by_the_database(app_creds, people):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    SlotClaim.objects.create(account=people[0], scheduling_request=request, start=at(9), end=at(10))
    with pytest.raises(IntegrityError), transaction.atomic():
        SlotClaim.objects.create(
            account=people[0], scheduling_request=request, start=at(9.5), end=at(10.5)
        )
    # Back to back is no overlap ([start, end) spans), and another account is free to.
    SlotClaim.objects.create(
        account=people[0], scheduling_request=request, start=at(10), end=at(11)
    )
    SlotClaim.objects.create(account=people[1], scheduling_request=request, start=at(9), end=at(10))


def test_a_booking_past_a_broken_recheck_is_still_refused_by_the_claims(
    app_creds, people, monkeypatch
):
    from bookings.selectors.scheduling_requests import scheduling_request_option_at
    from bookings.services import booking

    first = make_scheduling_request(app_creds.application, scheduling_body(people))
    second = make_scheduling_request(app_creds.application, scheduling_body(people))
    scheduling_request_book(scheduling_request=first, starts=(at(9),), user_tzid="Etc/UTC")
    offered = scheduling_request_option_at(scheduling_request=second, starts=(at(10),), now=at(0))
    # As if the re-check under the lock were wrong: it offers 09:30, which overlaps 09:00-10:00.
    stale = (type(offered[0])(None, at(9.5), at(10.5), offered[0].participants),)
    monkeypatch.setattr(booking, "scheduling_request_option_at", lambda **kwargs: stale)
    with pytest.raises(TimeTaken):
        scheduling_request_book(scheduling_request=second, starts=(at(9.5),), user_tzid="Etc/UTC")
    assert not Event.objects.filter(start=at(9.5)).exists()
    second.refresh_from_db()
    assert second.booked_at is None
