"""Calendars, events and free/busy through the real pycronofy client against the live server."""

import datetime as dt

import pytest
from django.utils import timezone
from pycronofy.exceptions import PyCronofyRequestError

from scheduling.models import Calendar, Event
from tests.factories import make_event, primary_calendar

pytestmark = pytest.mark.django_db(transaction=True)

UTC = dt.UTC
DAY = dt.date(2024, 7, 1)
LONG_AGO = dt.datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def client(cronofy, tokens):
    return cronofy(access_token=tokens.access_token)


@pytest.fixture
def calendar_id(account):
    return primary_calendar(account).calendar_id


def event_body(event_id, hour=9, **fields):
    start = dt.datetime(2024, 7, 1, hour, tzinfo=UTC)
    return {
        "event_id": event_id,
        "summary": f"Event {event_id}",
        "start": start,
        "end": start + dt.timedelta(hours=1),
        **fields,
    }


def read_july(client, **options):
    options.setdefault("tzid", "Etc/UTC")
    return client.read_events(from_date=DAY, to_date=dt.date(2024, 8, 1), **options)


def test_list_calendars(client, account, calendar_id):
    calendars = client.list_calendars()

    assert [c["calendar_id"] for c in calendars] == [calendar_id]
    assert calendars[0]["calendar_primary"] is True
    assert calendars[0]["permission_level"] == "unrestricted"


def test_create_calendar_and_its_duplicate(client, account):
    profile_id = account.profiles.get().profile_id

    created = client.create_calendar(profile_id, "Bookings")
    with pytest.raises(PyCronofyRequestError) as raised:
        client.create_calendar(profile_id, "Bookings", error_on_duplicate=True)
    existing = client.create_calendar(profile_id, "Bookings", error_on_duplicate=False)

    assert created["calendar"]["calendar_name"] == "Bookings"
    response = raised.value.response
    assert response.status_code == 422
    assert response.json()["errors"]["name"][0]["key"] == "errors.duplicate_calendar_name"
    assert existing["calendar_id"] == created["calendar"]["calendar_id"]
    assert Calendar.objects.filter(name="Bookings").count() == 1


def test_upsert_event_then_read_it_back(client, calendar_id):
    client.upsert_event(
        calendar_id,
        event_body("booking-1", description="Round 2", location={"description": "Room 1"}),
    )
    client.upsert_event(calendar_id, event_body("booking-1", hour=11, description="Moved"))

    events = read_july(client).all()

    assert len(events) == 1
    assert events[0]["event_id"] == "booking-1"
    assert events[0]["calendar_id"] == calendar_id
    assert (events[0]["start"], events[0]["end"]) == (
        "2024-07-01T11:00:00Z",
        "2024-07-01T12:00:00Z",
    )
    assert events[0]["description"] == "Moved"
    assert "location" not in events[0]


def test_upsert_all_day_event_with_dates(client, calendar_id):
    client.upsert_event(
        calendar_id,
        {
            "event_id": "holiday",
            "summary": "Holiday",
            "start": DAY,
            "end": DAY + dt.timedelta(days=1),
            "tzid": "Europe/Paris",
        },
    )

    event = read_july(client, tzid="Europe/Paris").all()[0]

    assert (event["start"], event["end"]) == ("2024-07-01", "2024-07-02")
    assert Event.objects.get().start == dt.datetime(2024, 6, 30, 22, tzinfo=UTC)


def test_delete_event_by_event_id(client, calendar_id):
    client.upsert_event(calendar_id, event_body("a"))
    client.upsert_event(calendar_id, event_body("b", hour=10))

    client.delete_event(calendar_id, "a")

    assert [e["event_id"] for e in read_july(client).all()] == ["b"]
    assert Event.objects.get(event_id="a").deleted is True


def test_delete_external_event_by_event_uid(client, account, calendar_id):
    start = dt.datetime(2024, 7, 1, 9, tzinfo=UTC)
    external = make_event(primary_calendar(account), start, start + dt.timedelta(hours=1))

    client.delete_external_event(calendar_id, external.event_uid)

    external.refresh_from_db()
    assert external.deleted is True


@pytest.fixture
def second_calendar_id(account):
    calendar = primary_calendar(account)
    Calendar.objects.create(
        calendar_id="cal_second", account=account, profile=calendar.profile, name="Second"
    )
    return "cal_second"


def test_delete_all_events(client, calendar_id, second_calendar_id):
    client.upsert_event(calendar_id, event_body("a"))
    client.upsert_event(second_calendar_id, event_body("b"))

    client.delete_all_events()

    assert not Event.objects.filter(deleted=False).exists()


def test_delete_all_events_of_some_calendars(client, calendar_id, second_calendar_id):
    client.upsert_event(calendar_id, event_body("a"))
    client.upsert_event(second_calendar_id, event_body("b"))

    client.delete_all_events(calendar_ids=[second_calendar_id])

    assert list(Event.objects.filter(deleted=False).values_list("event_id", flat=True)) == ["a"]


@pytest.fixture
def seven_events(client, calendar_id, settings):
    settings.API_PAGE_SIZE = 3
    for hour in range(7):
        client.upsert_event(calendar_id, event_body(f"e{hour}", hour=hour))


def test_read_events_paginates_automatically(client, seven_events):
    pages = read_july(client)

    assert (pages.current, pages.total, len(pages)) == (1, 3, 3)
    assert [e["event_id"] for e in pages] == [f"e{hour}" for hour in range(7)]


def test_read_events_all_fetches_every_page(client, seven_events):
    events = read_july(client).all()

    assert [e["event_id"] for e in events] == [f"e{hour}" for hour in range(7)]


def test_read_events_without_automatic_pagination_stops_after_a_page(client, seven_events):
    pages = read_july(client, automatic_pagination=False)

    assert len(list(pages)) == 3


def test_sync_pattern_sees_moved_and_deleted_events(client, calendar_id):
    client.upsert_event(calendar_id, event_body("moving"))
    client.upsert_event(calendar_id, event_body("leaving", hour=10))
    client.upsert_event(calendar_id, event_body("staying", hour=11))
    Event.objects.update(updated_at=LONG_AGO)  # the first sync happened long ago
    synced_at = timezone.now() - dt.timedelta(seconds=1)

    client.upsert_event(
        calendar_id,
        event_body(
            "moving",
            start=dt.datetime(2024, 9, 1, 9, tzinfo=UTC),
            end=dt.datetime(2024, 9, 1, 10, tzinfo=UTC),
        ),
    )
    client.delete_event(calendar_id, "leaving")

    def changes(**options):
        pages = client.read_events(
            from_date=DAY,
            to_date=DAY + dt.timedelta(days=1),
            tzid="Etc/UTC",
            last_modified=synced_at,
            include_deleted=True,
            **options,
        )
        return {e["event_id"]: (e["start"], e["deleted"]) for e in pages.all()}

    assert changes(include_moved=True) == {
        "moving": ("2024-09-01T09:00:00Z", False),
        "leaving": ("2024-07-01T10:00:00Z", True),
    }
    assert changes() == {"leaving": ("2024-07-01T10:00:00Z", True)}


def test_read_events_with_localized_times(client, calendar_id):
    client.upsert_event(
        calendar_id,
        event_body(
            "local",
            start={"time": "2024-07-01T09:00:00Z", "tzid": "Europe/London"},
            end={"time": "2024-07-01T10:00:00Z", "tzid": "Europe/London"},
        ),
    )

    event = read_july(client, localized_times=True).all()[0]

    assert event["start"] == {"time": "2024-07-01T09:00:00Z", "tzid": "Europe/London"}


def test_read_free_busy_paginates(client, seven_events, calendar_id):
    client.upsert_event(calendar_id, event_body("tentative", hour=12, status="tentative"))
    client.upsert_event(calendar_id, event_body("free", hour=13, transparency="transparent"))

    pages = client.read_free_busy(from_date=DAY, to_date=dt.date(2024, 8, 1))
    blocks = list(pages)

    assert pages.total == 3
    assert [b["free_busy_status"] for b in blocks] == ["busy"] * 7 + ["tentative", "free"]
    assert {b["calendar_id"] for b in blocks} == {calendar_id}


def test_read_free_busy_with_localized_times(client, calendar_id):
    client.upsert_event(calendar_id, event_body("a", tzid="Asia/Tokyo"))

    block = client.read_free_busy(
        from_date=DAY, to_date=dt.date(2024, 8, 1), localized_times=True
    ).all()[0]

    assert block["start"] == {"time": "2024-07-01T09:00:00Z", "tzid": "Asia/Tokyo"}
