"""POST /v1/calendars/{calendar_id}/events over plain HTTP: storage, zones, validation, access."""

import datetime as dt

import pytest
from django.forms.models import model_to_dict

from scheduling.models import Event
from scheduling.scopes import DEFAULT_SCOPE
from tests.api_client import JsonClient
from tests.factories import make_account, make_tokens, primary_calendar

pytestmark = pytest.mark.django_db

UTC = dt.UTC
DROP = object()  # leave the key out of the body
BASE = {
    "event_id": "booking-1",
    "summary": "Interview",
    "start": "2024-07-01T09:00:00Z",
    "end": "2024-07-01T10:00:00Z",
}


@pytest.fixture
def calendar(account):
    return primary_calendar(account)


def upsert(api, calendar, **changes):
    body = {**BASE, **changes}
    return api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)


def snapshot():
    return sorted((model_to_dict(e) for e in Event.objects.all()), key=lambda d: d["id"])


def test_upsert_creates_a_managed_event_and_answers_202_without_body(api, app_creds, calendar):
    response = upsert(api, calendar, description="Round 2")

    assert response.status_code == 202
    assert response.content == b""
    event = Event.objects.get()
    assert event.calendar == calendar
    assert event.event_id == "booking-1"
    assert event.event_uid.startswith("evt_")
    assert event.application == app_creds.application
    assert (event.summary, event.description) == ("Interview", "Round 2")
    assert event.start == dt.datetime(2024, 7, 1, 9, tzinfo=UTC)
    assert event.end == dt.datetime(2024, 7, 1, 10, tzinfo=UTC)
    assert (event.start_tzid, event.end_tzid) == ("Etc/UTC", "Etc/UTC")
    assert (event.transparency, event.status) == ("opaque", "confirmed")
    assert (event.ever_start, event.ever_end) == (event.start, event.end)
    assert event.created_at == event.updated_at


def test_second_upsert_with_same_event_id_updates_the_same_event(api, calendar):
    upsert(api, calendar)
    first = Event.objects.get()

    upsert(api, calendar, summary="Interview (moved)")

    event = Event.objects.get()
    assert event.pk == first.pk
    assert event.event_uid == first.event_uid
    assert event.summary == "Interview (moved)"
    assert event.updated_at > first.updated_at
    assert event.created_at == first.created_at


def test_upsert_that_changes_nothing_writes_nothing(api, calendar):
    upsert(api, calendar, location={"description": "Room 1"}, tzid="Europe/London")
    before = snapshot()

    response = upsert(api, calendar, location={"description": "Room 1"}, tzid="Europe/London")

    assert response.status_code == 202
    assert snapshot() == before


def test_upsert_replaces_fields_left_out(api, calendar):
    upsert(api, calendar, description="Notes", location={"description": "Room 1"})

    upsert(api, calendar)

    event = Event.objects.get()
    assert (event.description, event.location_description) == ("", "")


def test_upsert_of_a_deleted_event_revives_it(api, calendar):
    upsert(api, calendar)
    Event.objects.update(deleted=True)

    upsert(api, calendar)

    assert Event.objects.get().deleted is False


def test_moving_an_event_grows_its_ever_hull(api, calendar):
    upsert(api, calendar)
    upsert(api, calendar, start="2024-07-03T09:00:00Z", end="2024-07-03T10:00:00Z")

    event = Event.objects.get()
    assert event.start == dt.datetime(2024, 7, 3, 9, tzinfo=UTC)
    assert event.ever_start == dt.datetime(2024, 7, 1, 9, tzinfo=UTC)
    assert event.ever_end == dt.datetime(2024, 7, 3, 10, tzinfo=UTC)


def test_offsets_are_normalised_to_utc_and_tzids_kept(api, calendar):
    upsert(
        api,
        calendar,
        tzid="America/New_York",
        start={"time": "2024-07-01T11:00:00+02:00", "tzid": "Europe/Paris"},
        end="2024-07-01T10:00:00Z",
    )

    event = Event.objects.get()
    assert event.start == dt.datetime(2024, 7, 1, 9, tzinfo=UTC)
    assert event.start_tzid == "Europe/Paris"
    assert event.end_tzid == "America/New_York"


def test_all_day_event_blocks_local_days_of_the_request_tzid(api, calendar):
    # 10 March 2024 is the spring DST change in New York: the day is 23 hours long.
    upsert(api, calendar, tzid="America/New_York", start="2024-03-10", end="2024-03-11")

    event = Event.objects.get()
    assert event.all_day is True
    assert (event.start_date, event.end_date) == (dt.date(2024, 3, 10), dt.date(2024, 3, 11))
    assert event.start == dt.datetime(2024, 3, 10, 5, tzinfo=UTC)
    assert event.end == dt.datetime(2024, 3, 11, 4, tzinfo=UTC)
    assert event.start_tzid == "America/New_York"


def test_all_day_event_uses_the_start_objects_tzid(api, calendar):
    upsert(
        api,
        calendar,
        tzid="America/New_York",
        start={"time": "2024-07-01", "tzid": "Asia/Tokyo"},
        end={"time": "2024-07-02", "tzid": "Asia/Tokyo"},
    )

    event = Event.objects.get()
    assert event.start == dt.datetime(2024, 6, 30, 15, tzinfo=UTC)
    assert event.end == dt.datetime(2024, 7, 1, 15, tzinfo=UTC)


def test_all_day_event_defaults_to_the_accounts_zone(app_creds):
    account = make_account(app_creds.application, default_tzid="Europe/Berlin")
    api = JsonClient(make_tokens(app_creds.application, account).access_token)

    upsert(api, primary_calendar(account), start="2024-07-01", end="2024-07-03")

    event = Event.objects.get()
    assert event.start == dt.datetime(2024, 6, 30, 22, tzinfo=UTC)
    assert event.end == dt.datetime(2024, 7, 2, 22, tzinfo=UTC)
    assert event.start_tzid == "Europe/Berlin"


def test_unknown_fields_are_accepted_and_ignored(api, calendar):
    response = upsert(
        api,
        calendar,
        reminders=[{"minutes": 10}],
        attendees={"invite": [{"email": "a@example.test"}]},
        url="https://example.test",
        color="#49BED8",
    )

    assert response.status_code == 202
    assert Event.objects.count() == 1


def test_location_transparency_and_status_are_stored(api, calendar):
    upsert(
        api,
        calendar,
        location={"description": "Room 1", "lat": 51.5072, "long": "-0.1276"},
        transparency="transparent",
        status="tentative",
    )

    event = Event.objects.get()
    assert (event.location_description, event.location_lat, event.location_long) == (
        "Room 1",
        "51.5072",
        "-0.1276",
    )
    assert (event.transparency, event.status) == ("transparent", "tentative")


def test_null_optional_fields_count_as_absent(api, calendar):
    response = upsert(api, calendar, description=None, location=None, tzid=None)

    assert response.status_code == 202
    assert Event.objects.get().description == ""


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"event_id": DROP}, "event_id", "errors.required"),
        ({"event_id": None}, "event_id", "errors.required"),
        ({"event_id": ""}, "event_id", "errors.required"),
        ({"event_id": "x" * 256}, "event_id", "errors.too_long"),
        ({"event_id": "tab\there"}, "event_id", "errors.invalid"),
        ({"summary": DROP}, "summary", "errors.required"),
        ({"summary": ""}, "summary", "errors.required"),
        ({"summary": "x" * 1025}, "summary", "errors.too_long"),
        ({"description": "x" * 32769}, "description", "errors.too_long"),
        ({"start": DROP}, "start", "errors.required"),
        ({"end": None}, "end", "errors.required"),
        ({"start": "2024-07-01T09:00:00"}, "start", "errors.invalid"),
        ({"start": "tomorrow"}, "start", "errors.invalid"),
        ({"end": "2024-07-01T09:00:00Z"}, "end", "errors.invalid"),
        ({"end": "2024-07-01T08:00:00Z"}, "end", "errors.invalid"),
        ({"end": "2024-07-02"}, "end", "errors.invalid"),
        ({"start": "2024-07-02", "end": "2024-07-02"}, "end", "errors.invalid"),
        ({"tzid": "Mars/Olympus"}, "tzid", "errors.invalid"),
        ({"start": {"time": "2024-07-01T09:00:00Z", "tzid": "Nowhere"}}, "start", "errors.invalid"),
        ({"transparency": "see-through"}, "transparency", "errors.invalid"),
        ({"status": "maybe"}, "status", "errors.invalid"),
        ({"location": {"lat": 91}}, "location.lat", "errors.invalid"),
        ({"location": {"long": "east"}}, "location.long", "errors.invalid"),
        ({"location": "Room 1"}, "location.base", "errors.invalid"),
    ],
)
def test_invalid_upsert_is_422_and_changes_nothing(api, calendar, changes, field, key):
    upsert(api, calendar, summary="Original")
    before = snapshot()
    body = {k: v for k, v in {**BASE, **changes}.items() if v is not DROP}

    response = api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)

    assert response.status_code == 422
    assert response.json()["errors"][field][0]["key"] == key
    assert snapshot() == before


def test_another_accounts_calendar_is_404_and_not_written(api, app_creds):
    other = make_account(app_creds.application)

    response = upsert(api, primary_calendar(other))

    assert response.status_code == 404
    assert response.json()["errors"]["base"][0]["key"] == "errors.not_found"
    assert not Event.objects.exists()


def test_unknown_calendar_is_404(api):
    response = api.call("POST", "/v1/calendars/cal_nope_nope/events", BASE)

    assert response.status_code == 404


@pytest.mark.parametrize("flag", ["readonly", "deleted"])
def test_read_only_or_deleted_calendar_is_422_on_calendar_id(api, calendar, flag):
    setattr(calendar, flag, True)
    calendar.save()

    response = upsert(api, calendar)

    assert response.status_code == 422
    assert response.json()["errors"]["calendar_id"][0]["key"] == "errors.invalid"
    assert not Event.objects.exists()


def test_upsert_needs_create_event_scope(app_creds, account, calendar):
    api = JsonClient(make_tokens(app_creds.application, account, scope="read_events").access_token)

    response = upsert(api, calendar)

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_default_user_scope_may_upsert(app_creds, account, calendar):
    api = JsonClient(make_tokens(app_creds.application, account, scope=DEFAULT_SCOPE).access_token)

    assert upsert(api, calendar).status_code == 202


def test_bearer_none_is_401(anon_api, calendar):
    response = anon_api.call(
        "POST", f"/v1/calendars/{calendar.calendar_id}/events", BASE, token="None"
    )

    assert response.status_code == 401
    assert not Event.objects.exists()
