import pytest

from bookings.services.booking import scheduling_request_book
from bookings.services.visitor_calendar import visitor_calendar_add
from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import Event
from scheduling.signals import ChangeOrigin, events_changed
from tests.api_helpers import at
from tests.bookings.factories import make_scheduling_request, scheduling_body, sequencing_body
from tests.factories import make_account, make_user, make_user_account, primary_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(app_creds):
    return [make_account(app_creds.application, name=name) for name in ("Ada", "Grace")]


def test_adds_each_step_of_a_sequence_to_the_visitors_primary_calendar(app_creds, people):
    request = make_scheduling_request(
        app_creds.application, sequencing_body(*people), kind="sequencing"
    )
    booked = scheduling_request_book(
        scheduling_request=request, starts=(at(9), at(10)), user_tzid="Etc/UTC"
    )
    account = make_user_account("visitor")

    events = visitor_calendar_add(scheduling_request=booked, user=account.user)

    assert [(e.summary, e.start, e.end, e.calendar) for e in events] == [
        ("Step screen", at(9), at(10), primary_calendar(account)),
        ("Step onsite", at(10), at(11), primary_calendar(account)),
    ]
    assert {e.start_tzid for e in events} == {"Europe/London"}


def test_adding_again_changes_nothing(app_creds, people):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    booked = scheduling_request_book(
        scheduling_request=request, starts=(at(10),), user_tzid="Etc/UTC"
    )
    account = make_user_account("visitor")
    [first] = visitor_calendar_add(scheduling_request=booked, user=account.user)

    [again] = visitor_calendar_add(scheduling_request=booked, user=account.user)

    assert again.pk == first.pk
    assert again.updated_at == first.updated_at
    assert Event.objects.filter(calendar=primary_calendar(account)).count() == 1


def test_the_write_is_signalled_with_the_bookings_origin(
    app_creds, people, django_capture_on_commit_callbacks
):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    booked = scheduling_request_book(
        scheduling_request=request, starts=(at(10),), user_tzid="Etc/UTC"
    )
    account = make_user_account("visitor")
    received = []

    def record(sender, **kwargs):
        received.append(kwargs)

    events_changed.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            visitor_calendar_add(scheduling_request=booked, user=account.user)
    finally:
        events_changed.disconnect(record)

    [change] = received
    assert change["account_id"] == account.pk
    assert change["origin"] == ChangeOrigin.booking(
        application_id=app_creds.application.pk, booking_id=booked.real_time_scheduling_id
    )


def test_refuses_before_booking(app_creds, people):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    account = make_user_account("visitor")

    with pytest.raises(ValidationFailed):
        visitor_calendar_add(scheduling_request=request, user=account.user)
    assert not Event.objects.filter(calendar=primary_calendar(account)).exists()


def test_refuses_a_user_without_an_account(app_creds, people):
    request = make_scheduling_request(app_creds.application, scheduling_body(people))
    booked = scheduling_request_book(
        scheduling_request=request, starts=(at(10),), user_tzid="Etc/UTC"
    )

    with pytest.raises(NotFound):
        visitor_calendar_add(scheduling_request=booked, user=make_user("nobody"))
