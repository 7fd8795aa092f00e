import pytest
from django.utils import timezone

from bookings.models import SlotClaim
from bookings.selectors.scheduling_requests import scheduling_request_options
from bookings.services.booking import LinkUnavailable, TimeTaken, scheduling_request_book
from scheduling.models import Calendar, Event, Grant
from scheduling.services.tokens import grant_revoke
from tests.api_helpers import at
from tests.bookings.factories import (
    make_scheduling_request,
    scheduling_body,
    sequencing_body,
)
from tests.factories import (
    make_account,
    make_event,
    make_tokens,
    make_user_account,
    primary_calendar,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(app_creds):
    return [make_account(app_creds.application, name=name) for name in ("Ada", "Grace")]


def test_options_are_the_free_slots_of_every_member(app_creds, people):
    make_event(primary_calendar(people[1]), at(9), at(10))
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    options = scheduling_request_options(scheduling_request=request, now=timezone.now())
    assert [option[0].start for option in options] == [at(10), at(10.5), at(11)]


def test_book_writes_the_event_claims_the_time_and_completes(app_creds, people):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    booked = scheduling_request_book(
        scheduling_request=request, starts=(at(10),), user_tzid="America/New_York"
    )
    event = Event.objects.get(calendar=primary_calendar(people[0]), event_id="interview-1")
    assert (event.start, event.end, event.summary) == (at(10), at(11), "Interview")
    assert booked.status_at(at(0)) == "completed"
    assert booked.outcome["participants"] == [people[0].sub, people[1].sub]
    assert SlotClaim.objects.filter(scheduling_request=request).count() == 2


def test_book_refuses_a_used_link(app_creds, people):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    scheduling_request_book(scheduling_request=request, starts=(at(10),), user_tzid="Etc/UTC")
    with pytest.raises(LinkUnavailable) as caught:
        scheduling_request_book(scheduling_request=request, starts=(at(11),), user_tzid="Etc/UTC")
    assert caught.value.status == "completed"


def test_book_refuses_a_time_another_link_took(app_creds, people):
    first = make_scheduling_request(app_creds.application, scheduling_body(people))
    second = make_scheduling_request(app_creds.application, scheduling_body(people))
    scheduling_request_book(scheduling_request=first, starts=(at(10),), user_tzid="Etc/UTC")
    with pytest.raises(TimeTaken):
        scheduling_request_book(scheduling_request=second, starts=(at(10.5),), user_tzid="Etc/UTC")
    assert second.claims.count() == 0


def test_book_refuses_a_time_never_offered(app_creds, people):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    for start in (at(10.25), at(11.5), at(8)):  # unaligned, overruns the period, before it
        with pytest.raises(TimeTaken):
            scheduling_request_book(
                scheduling_request=request, starts=(start,), user_tzid="Etc/UTC"
            )


def test_sequencing_books_each_step_into_its_participants_calendar(app_creds, people):
    body = sequencing_body(people[0], people[1])
    request = make_scheduling_request(app_creds.application, body, kind="sequencing")
    booked = scheduling_request_book(
        scheduling_request=request, starts=(at(9), at(10)), user_tzid="Etc/UTC"
    )
    first = Event.objects.get(calendar=primary_calendar(people[0]))
    second = Event.objects.get(calendar=primary_calendar(people[1]))
    assert (first.event_id, first.start, first.summary) == ("loop-1_screen", at(9), "Step screen")
    assert (second.event_id, second.start, second.summary) == (
        "loop-1_onsite",
        at(10),
        "Step onsite",
    )
    assert [step["sequence_id"] for step in booked.outcome["sequence"]] == ["screen", "onsite"]


def test_a_participant_booked_without_a_calendar_event_is_busy_for_other_links(app_creds, people):
    # people[1] is a participant but not a target: no event lands in their calendar.
    first = make_scheduling_request(app_creds.application, scheduling_body(people))
    scheduling_request_book(scheduling_request=first, starts=(at(10),), user_tzid="Etc/UTC")
    other = make_account(app_creds.application)
    second = make_scheduling_request(app_creds.application, scheduling_body([other, people[1]]))
    options = scheduling_request_options(scheduling_request=second, now=timezone.now())
    assert [option[0].start for option in options] == [at(9), at(11)]


def test_n_of_m_leaves_out_a_claimed_member_but_keeps_the_time(app_creds, people):
    first = make_scheduling_request(app_creds.application, scheduling_body(people))
    scheduling_request_book(scheduling_request=first, starts=(at(10),), user_tzid="Etc/UTC")
    other = make_account(app_creds.application)
    body = scheduling_body([other, people[1]], required=1)
    second = make_scheduling_request(app_creds.application, body)
    options = scheduling_request_options(scheduling_request=second, now=timezone.now())
    at_ten = next(option[0] for option in options if option[0].start == at(10))
    assert at_ten.participants == (other.sub,)


def test_a_person_who_withdrew_their_grant_makes_the_link_unavailable(app_creds, people):
    person = make_user_account()
    make_tokens(app_creds.application, person)
    request = make_scheduling_request(app_creds.application, scheduling_body([people[0], person]))
    grant_revoke(grant=Grant.objects.get(account=person))
    with pytest.raises(LinkUnavailable) as caught:
        scheduling_request_options(scheduling_request=request, now=timezone.now())
    assert caught.value.status == "unavailable"


def test_a_deleted_target_calendar_makes_the_link_unavailable(app_creds, people):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    Calendar.objects.filter(pk=primary_calendar(people[0]).pk).update(deleted=True)
    with pytest.raises(LinkUnavailable) as caught:
        scheduling_request_book(scheduling_request=request, starts=(at(10),), user_tzid="Etc/UTC")
    assert caught.value.status == "unavailable"
    assert request.claims.count() == 0


def test_steps_listed_out_of_ordinal_order_keep_their_own_events(app_creds, people):
    body = sequencing_body(people[0], people[1])
    body["availability"]["sequence"].reverse()  # "onsite" (ordinal 2) listed first
    request = make_scheduling_request(app_creds.application, body, kind="sequencing")
    booked = scheduling_request_book(
        scheduling_request=request, starts=(at(9), at(10)), user_tzid="Etc/UTC"
    )
    first = Event.objects.get(calendar=primary_calendar(people[0]))
    assert (first.event_id, first.start, first.summary) == ("loop-1_screen", at(9), "Step screen")
    steps = booked.outcome["sequence"]
    assert [(s["sequence_id"], s["event"]["summary"]) for s in steps] == [
        ("screen", "Step screen"),
        ("onsite", "Step onsite"),
    ]
