"""Event services: the events_changed signal, the ever hull, and zones of all-day events."""

import datetime as dt

import pytest
from django.db import transaction

from scheduling.models import Calendar, Event
from scheduling.services.events import (
    calendar_event_delete,
    calendar_event_write,
    event_delete,
    event_upsert,
    events_delete_all,
)
from scheduling.signals import ChangeOrigin, events_changed
from scheduling.timeformat import TimeValue
from tests.factories import make_account, make_application, make_event, primary_calendar

UTC = dt.UTC
T0 = dt.datetime(2024, 7, 1, 9, tzinfo=UTC)
NOW = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def received():
    calls = []

    def receiver(sender, signal, **kwargs):
        assert sender is None
        calls.append(kwargs)

    events_changed.connect(receiver)
    yield calls
    events_changed.disconnect(receiver)


@pytest.fixture
def account(db):
    return make_account(make_application().application)


@pytest.fixture
def calendar(account):
    return primary_calendar(account)


def upsert(account, calendar, *, now=NOW, hours=0, **fields):
    fields = {"summary": "Interview", "event_id": "booking-1", **fields}
    return event_upsert(
        account=account,
        application=account.application,
        calendar_id=calendar.calendar_id,
        start=TimeValue(T0 + dt.timedelta(hours=hours)),
        end=TimeValue(T0 + dt.timedelta(hours=hours + 1)),
        now=now,
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_events_changed_is_sent_after_commit_only(account, calendar, received):
    with transaction.atomic():
        upsert(account, calendar)
        assert received == []

    assert received == [
        {
            "account_id": account.pk,
            "calendar_ids": [calendar.calendar_id],
            "changed_at": NOW,
            "origin": ChangeOrigin.api(account.application.pk),
            "managed_by": account.application.pk,
        }
    ]


@pytest.mark.django_db(transaction=True)
def test_events_changed_is_not_sent_when_the_transaction_rolls_back(account, calendar, received):
    def upsert_then_fail():
        with transaction.atomic():
            upsert(account, calendar)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        upsert_then_fail()

    assert received == []
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_events_changed_once_per_change_and_not_for_a_no_op_upsert(
    account, calendar, received, django_capture_on_commit_callbacks
):
    later = NOW + dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        upsert(account, calendar)
    with django_capture_on_commit_callbacks(execute=True):
        upsert(account, calendar, now=later)  # same content: nothing changes
    with django_capture_on_commit_callbacks(execute=True):
        upsert(account, calendar, now=later, summary="Moved")

    assert [call["changed_at"] for call in received] == [NOW, later]
    assert Event.objects.get().updated_at == later


@pytest.mark.django_db
def test_deletes_send_events_changed_only_when_something_was_deleted(
    account, calendar, received, django_capture_on_commit_callbacks
):
    upsert(account, calendar)
    with django_capture_on_commit_callbacks(execute=True):
        for event_id in ["booking-1", "booking-1", "unknown"]:
            event_delete(
                account=account,
                application=account.application,
                calendar_id=calendar.calendar_id,
                event_id=event_id,
            )

    assert len(received) == 1


@pytest.mark.django_db
def test_delete_all_names_the_calendars_that_changed(
    account, calendar, received, django_capture_on_commit_callbacks
):
    second = Calendar.objects.create(
        calendar_id="cal_b", account=account, profile=calendar.profile, name="B"
    )
    Calendar.objects.create(
        calendar_id="cal_c", account=account, profile=calendar.profile, name="C"
    )
    upsert(account, calendar)
    upsert(account, calendar, event_id="booking-2", hours=2)
    upsert(account, second)
    with django_capture_on_commit_callbacks(execute=True):
        for deleted in [3, 0]:
            assert (
                events_delete_all(account=account, application=account.application, now=NOW)
                == deleted
            )

    assert received == [
        {
            "account_id": account.pk,
            "calendar_ids": sorted([calendar.calendar_id, "cal_b"]),
            "changed_at": NOW,
            "origin": ChangeOrigin.api(account.application.pk),
            "managed_by": account.application.pk,
        }
    ]


@pytest.mark.django_db
def test_delete_all_leaves_external_events_alone(account, calendar):
    external = make_event(calendar, T0, T0 + dt.timedelta(hours=1))
    upsert(account, calendar)

    events_delete_all(
        account=account,
        application=account.application,
        calendar_ids=[calendar.calendar_id],
        now=NOW,
    )

    external.refresh_from_db()
    assert external.deleted is False
    assert Event.objects.get(application=account.application).deleted is True


@pytest.mark.django_db
def test_ever_hull_covers_every_span_the_event_occupied(account, calendar):
    upsert(account, calendar, hours=0)
    upsert(account, calendar, hours=-5)
    event = upsert(account, calendar, hours=3)

    assert event.start == T0 + dt.timedelta(hours=3)
    assert event.ever_start == T0 - dt.timedelta(hours=5)
    assert event.ever_end == T0 + dt.timedelta(hours=4)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tzid", "day", "start", "end"),
    [
        # Autumn overlap in London: 27 October 2024 is 25 hours long.
        (
            "Europe/London",
            dt.date(2024, 10, 27),
            dt.datetime(2024, 10, 26, 23, tzinfo=UTC),
            dt.datetime(2024, 10, 28, 0, tzinfo=UTC),
        ),
        # Santiago skips midnight on 8 September 2024: the day starts at 01:00 local (04:00Z).
        (
            "America/Santiago",
            dt.date(2024, 9, 8),
            dt.datetime(2024, 9, 8, 4, tzinfo=UTC),
            dt.datetime(2024, 9, 9, 3, tzinfo=UTC),
        ),
    ],
)
def test_all_day_events_span_local_days_across_dst_changes(
    account, calendar, tzid, day, start, end
):
    event = event_upsert(
        account=account,
        application=account.application,
        calendar_id=calendar.calendar_id,
        event_id="day",
        summary="Day off",
        start=TimeValue(day),
        end=TimeValue(day + dt.timedelta(days=1)),
        tzid=tzid,
        now=NOW,
    )

    assert (event.start, event.end) == (start, end)
    assert (event.start_date, event.end_date, event.start_tzid) == (
        day,
        day + dt.timedelta(days=1),
        tzid,
    )


@pytest.mark.django_db
def test_upsert_for_another_accounts_calendar_is_not_found(account, calendar):
    from scheduling.errors import NotFound

    other = make_account(make_application().application)

    with pytest.raises(NotFound):
        upsert(other, calendar)
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_deleting_an_external_event_by_uid_reports_it_as_unmanaged(
    account, calendar, received, django_capture_on_commit_callbacks
):
    external = make_event(calendar, T0, T0 + dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        event_delete(
            account=account,
            application=account.application,
            calendar_id=calendar.calendar_id,
            event_uid=external.event_uid,
            now=NOW,
        )

    assert [(call["origin"], call["managed_by"]) for call in received] == [
        (ChangeOrigin.api(account.application.pk), None)
    ]


def write(calendar, *, origin, now=NOW, hours=0, **key):
    return calendar_event_write(
        calendar=calendar,
        origin=origin,
        summary="Synced",
        start=TimeValue(T0 + dt.timedelta(hours=hours)),
        end=TimeValue(T0 + dt.timedelta(hours=hours + 1)),
        now=now,
        **key,
    )


@pytest.mark.django_db
def test_synced_events_are_upserted_by_external_id_with_the_sync_origin(
    calendar, received, django_capture_on_commit_callbacks
):
    origin = ChangeOrigin.sync(connection_id="conn-1")
    later = NOW + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = write(calendar, origin=origin, external_id="google-abc")
        write(calendar, origin=origin, external_id="google-abc", now=later)  # no change
        moved = write(calendar, origin=origin, external_id="google-abc", now=later, hours=2)

    assert moved.pk == first.pk
    assert (moved.application, moved.event_id, moved.external_id) == (None, None, "google-abc")
    assert (moved.ever_start, moved.ever_end) == (T0, T0 + dt.timedelta(hours=3))
    assert [(c["origin"], c["managed_by"], c["changed_at"]) for c in received] == [
        (origin, None, NOW),
        (origin, None, later),
    ]


@pytest.mark.django_db
def test_a_booking_writes_its_applications_managed_event(
    account, calendar, received, django_capture_on_commit_callbacks
):
    application = account.application
    origin = ChangeOrigin.booking(application_id=application.pk, booking_id="bk-1")
    with django_capture_on_commit_callbacks(execute=True):
        event = write(calendar, origin=origin, application=application, event_id="interview")
        upsert(account, calendar, event_id="interview", summary="Renamed")  # the same event

    assert Event.objects.get().pk == event.pk
    assert [(c["origin"], c["managed_by"]) for c in received] == [
        (origin, application.pk),
        (ChangeOrigin.api(application.pk), application.pk),
    ]


@pytest.mark.django_db
def test_calendar_event_delete_soft_deletes_by_the_same_key_once(
    calendar, received, django_capture_on_commit_callbacks
):
    origin = ChangeOrigin.sync(connection_id="conn-1")
    write(calendar, origin=origin, external_id="x-1")
    with django_capture_on_commit_callbacks(execute=True):
        results = [
            calendar_event_delete(calendar=calendar, origin=origin, external_id="x-1", now=NOW)
            for _ in range(2)
        ]

    assert results == [True, False]
    assert Event.objects.get().deleted
    assert len(received) == 1


@pytest.mark.django_db
def test_the_write_path_needs_exactly_one_key(calendar):
    origin = ChangeOrigin.sync(connection_id="conn-1")
    with pytest.raises(ValueError, match="external_id"):
        write(calendar, origin=origin)
    with pytest.raises(ValueError, match="external_id"):
        write(calendar, origin=origin, external_id="x", event_id="y")


@pytest.mark.django_db
def test_event_new_sets_uid_hull_and_timestamps(calendar):
    event = Event.new(calendar=calendar, start=T0, end=T0 + dt.timedelta(hours=1), now=NOW)

    assert event.event_uid.startswith("evt_")
    assert (event.ever_start, event.ever_end) == (event.start, event.end)
    assert (event.created_at, event.updated_at) == (NOW, NOW)
    assert event.pk is None
