"""GET /v1/events over plain HTTP: window, filters, shape, pages, access and query counts."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scheduling.models import Calendar, Event
from tests.api_client import JsonClient
from tests.factories import make_account, make_event, make_tokens, primary_calendar

pytestmark = pytest.mark.django_db

UTC = dt.UTC
JULY = "from=2024-07-01&to=2024-08-01"


def at(day, hour, minute=0):
    return dt.datetime(2024, 7, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def calendar(account):
    return primary_calendar(account)


def external(calendar, start, hours=1, **fields):
    return make_event(calendar, start, start + dt.timedelta(hours=hours), **fields)


def read(api, query="", token=None):
    return api.call("GET", f"/v1/events?tzid=Etc/UTC&{query}", token=token)


def summaries(response):
    assert response.status_code == 200, response.content
    return [event["summary"] for event in response.json()["events"]]


def test_event_shape(api, app_creds, calendar):
    event = make_event(
        calendar,
        at(1, 9),
        at(1, 10),
        application=app_creds.application,
        event_id="booking-1",
        summary="Interview",
        description="Round 2",
        location_description="Room 1",
        now=at(1, 8),
    )

    response = read(api, f"{JULY}&include_managed=true")

    assert response.json() == {
        "pages": {"current": 1, "total": 1},
        "events": [
            {
                "calendar_id": calendar.calendar_id,
                "event_uid": event.event_uid,
                "event_id": "booking-1",
                "summary": "Interview",
                "description": "Round 2",
                "start": "2024-07-01T09:00:00Z",
                "end": "2024-07-01T10:00:00Z",
                "deleted": False,
                "created": "2024-07-01T08:00:00Z",
                "updated": "2024-07-01T08:00:00Z",
                "location": {"description": "Room 1"},
                "participation_status": "accepted",
                "attendees": [],
                "organizer": {},
                "transparency": "opaque",
                "status": "confirmed",
                "categories": [],
                "recurring": False,
                "event_private": False,
                "options": {"delete": True, "update": True, "change_participation_status": False},
            }
        ],
    }


def test_external_events_have_no_event_id_or_location(api, calendar):
    external(calendar, at(1, 9))

    event = read(api, JULY).json()["events"][0]

    assert "event_id" not in event
    assert "location" not in event


def test_read_only_calendar_events_cannot_be_changed(api, calendar):
    Calendar.objects.filter(pk=calendar.pk).update(readonly=True)
    external(calendar, at(1, 9))

    options = read(api, JULY).json()["events"][0]["options"]

    assert options == {"delete": False, "update": False, "change_participation_status": False}


@pytest.mark.parametrize(
    ("query", "key"), [("", "errors.required"), ("tzid=Nowhere", "errors.invalid")]
)
def test_tzid_is_required_and_must_be_known(api, query, key):
    response = api.call("GET", f"/v1/events?{query}")

    assert response.status_code == 422
    assert response.json()["errors"]["tzid"][0]["key"] == key


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2024-07-10&to=2024-07-10", "to"),
        ("from=2024-07-10&to=2024-07-01", "to"),
        ("from=yesterday", "from"),
        ("last_modified=2024-07-01", "last_modified"),
        ("include_deleted=perhaps", "include_deleted"),
    ],
)
def test_bad_read_parameters_are_422(api, query, field):
    response = read(api, query)

    assert response.status_code == 422
    assert response.json()["errors"][field][0]["key"] == "errors.invalid"


def test_from_and_to_are_days_in_tzid_across_a_dst_change(api, calendar):
    # New York, 10 March 2024 (clocks go forward): the day runs 05:00Z to 04:00Z next day.
    for name, start in [
        ("before", dt.datetime(2024, 3, 10, 4, 30, tzinfo=UTC)),
        ("first", dt.datetime(2024, 3, 10, 5, 0, tzinfo=UTC)),
        ("last", dt.datetime(2024, 3, 11, 3, 30, tzinfo=UTC)),
        ("after", dt.datetime(2024, 3, 11, 4, 0, tzinfo=UTC)),
    ]:
        external(calendar, start, hours=0.5, summary=name)

    response = api.call("GET", "/v1/events?tzid=America/New_York&from=2024-03-10&to=2024-03-11")

    assert summaries(response) == ["first", "last"]


def test_from_and_to_accept_times(api, calendar):
    external(calendar, at(1, 9), summary="in")
    external(calendar, at(1, 11), summary="out")

    response = read(api, "from=2024-07-01T09:30:00Z&to=2024-07-01T11:00:00Z")

    assert summaries(response) == ["in"]


def test_default_window_is_42_days_back_to_201_days_ahead(api, calendar):
    today = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    for name, days in [("too old", -44), ("old", -41), ("soon", 199), ("too far", 203)]:
        external(calendar, today + dt.timedelta(days=days), summary=name)

    assert summaries(read(api)) == ["old", "soon"]


def test_managed_events_ignore_the_default_window_unless_from_or_to_is_given(
    api, app_creds, calendar
):
    far = timezone.now().replace(microsecond=0) + dt.timedelta(days=400)
    make_event(
        calendar,
        far,
        far + dt.timedelta(hours=1),
        application=app_creds.application,
        event_id="far",
        summary="far",
    )

    assert summaries(read(api, "include_managed=true")) == ["far"]
    today = timezone.now().date().isoformat()
    assert summaries(read(api, f"include_managed=true&from={today}")) == []


def test_managed_events_are_excluded_unless_asked_for(api, app_creds, calendar):
    external(calendar, at(1, 9), summary="external")
    make_event(
        calendar,
        at(1, 10),
        at(1, 11),
        application=app_creds.application,
        event_id="m",
        summary="managed",
    )

    assert summaries(read(api, JULY)) == ["external"]
    assert summaries(read(api, f"{JULY}&include_managed=True")) == ["external", "managed"]
    assert summaries(read(api, f"{JULY}&only_managed=True")) == ["managed"]
    assert summaries(read(api, f"{JULY}&only_managed=1&include_managed=0")) == ["managed"]


def test_deleted_events_only_with_include_deleted(api, calendar):
    external(calendar, at(1, 9), summary="live")
    external(calendar, at(1, 10), summary="gone", deleted=True)

    assert summaries(read(api, JULY)) == ["live"]
    response = read(api, f"{JULY}&include_deleted=true")
    assert [(e["summary"], e["deleted"]) for e in response.json()["events"]] == [
        ("live", False),
        ("gone", True),
    ]


def test_last_modified_returns_events_updated_at_or_after_it(api, calendar):
    external(calendar, at(1, 9), summary="older", now=at(1, 7, 59))
    external(calendar, at(1, 10), summary="at", now=at(1, 8))
    external(calendar, at(1, 11), summary="newer", now=at(1, 9))

    assert summaries(read(api, f"{JULY}&last_modified=2024-07-01T08:00:00Z")) == ["at", "newer"]


def test_include_moved_matches_where_the_event_has_ever_been(api, calendar):
    moved = external(calendar, at(1, 9), summary="moved")
    Event.objects.filter(pk=moved.pk).update(start=at(20, 9), end=at(20, 10), ever_end=at(20, 10))

    window = "from=2024-07-01&to=2024-07-02"
    assert summaries(read(api, window)) == []
    assert summaries(read(api, f"{window}&include_moved=true")) == ["moved"]


def test_calendar_ids_restrict_the_read(api, account, calendar):
    second = Calendar.objects.create(
        calendar_id="cal_second", account=account, profile=calendar.profile, name="Second"
    )
    external(calendar, at(1, 9), summary="primary")
    external(second, at(1, 10), summary="second")

    assert summaries(read(api, f"{JULY}&calendar_ids[]=cal_second")) == ["second"]


def test_foreign_calendar_ids_are_422(api, app_creds, calendar):
    foreign = primary_calendar(make_account(app_creds.application))

    response = read(
        api, f"{JULY}&calendar_ids[]={calendar.calendar_id}&calendar_ids[]={foreign.calendar_id}"
    )

    assert response.status_code == 422
    error = response.json()["errors"]["calendar_ids"][0]
    assert foreign.calendar_id in error["description"]


def test_other_accounts_events_are_never_read(api, app_creds):
    external(primary_calendar(make_account(app_creds.application)), at(1, 9))

    assert summaries(read(api, f"{JULY}&include_managed=true")) == []


def test_localized_times_give_time_and_tzid_objects(api, calendar):
    external(calendar, at(1, 9), start_tzid="Europe/London", end_tzid="Europe/Paris")

    event = read(api, f"{JULY}&localized_times=true").json()["events"][0]

    assert event["start"] == {"time": "2024-07-01T09:00:00Z", "tzid": "Europe/London"}
    assert event["end"] == {"time": "2024-07-01T10:00:00Z", "tzid": "Europe/Paris"}


def test_all_day_event_in_a_non_utc_zone_reads_back_as_dates(api, calendar):
    body = {
        "event_id": "holiday",
        "summary": "Holiday",
        "tzid": "Pacific/Auckland",
        "start": "2024-07-02",
        "end": "2024-07-04",
    }
    assert api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body).status_code == 202
    stored = Event.objects.get()
    assert stored.start == dt.datetime(2024, 7, 1, 12, tzinfo=UTC)  # NZST is UTC+12 in July
    assert stored.end == dt.datetime(2024, 7, 3, 12, tzinfo=UTC)

    response = api.call("GET", f"/v1/events?tzid=Pacific/Auckland&{JULY}&include_managed=true")
    event = response.json()["events"][0]
    assert (event["start"], event["end"]) == ("2024-07-02", "2024-07-04")
    localized = read(api, f"{JULY}&include_managed=true&localized_times=true").json()["events"][0]
    assert localized["start"] == {"time": "2024-07-02", "tzid": "Pacific/Auckland"}


def test_all_day_event_only_matches_its_local_days(api, calendar):
    api.call(
        "POST",
        f"/v1/calendars/{calendar.calendar_id}/events",
        {
            "event_id": "holiday",
            "summary": "Holiday",
            "tzid": "Pacific/Auckland",
            "start": "2024-07-02",
            "end": "2024-07-03",
        },
    )
    base = "/v1/events?tzid=Pacific/Auckland&include_managed=true"

    assert summaries(api.call("GET", f"{base}&from=2024-07-01&to=2024-07-02")) == []
    assert summaries(api.call("GET", f"{base}&from=2024-07-02&to=2024-07-03")) == ["Holiday"]
    assert summaries(api.call("GET", f"{base}&from=2024-07-03&to=2024-07-04")) == []


@pytest.fixture
def ten_events(calendar):
    for n in range(10):
        external(calendar, at(1, 0) + dt.timedelta(hours=n), summary=f"e{n}")


def test_pages_follow_next_page_links(api, ten_events, settings):
    settings.API_PAGE_SIZE = 4

    first = read(api, JULY).json()
    assert first["pages"]["current"] == 1
    assert first["pages"]["total"] == 3
    next_page = first["pages"]["next_page"]
    assert next_page.startswith("http://testserver/v1/events/pages/")
    second = api.call("GET", urlsplit(next_page).path).json()
    third = api.call("GET", urlsplit(second["pages"]["next_page"]).path).json()

    assert [e["summary"] for e in first["events"]] == ["e0", "e1", "e2", "e3"]
    assert [e["summary"] for e in second["events"]] == ["e4", "e5", "e6", "e7"]
    assert [e["summary"] for e in third["events"]] == ["e8", "e9"]
    assert third["pages"] == {"current": 3, "total": 3}


def test_a_page_token_of_another_account_is_404(api, app_creds, ten_events, settings):
    settings.API_PAGE_SIZE = 4
    next_page = urlsplit(read(api, JULY).json()["pages"]["next_page"]).path
    other = JsonClient(
        make_tokens(app_creds.application, make_account(app_creds.application)).access_token
    )

    response = other.call("GET", next_page)

    assert response.status_code == 404
    assert response.json()["errors"]["base"][0]["key"] == "errors.not_found"


def test_a_forged_page_token_is_404(api, ten_events, settings):
    settings.API_PAGE_SIZE = 4
    next_page = urlsplit(read(api, JULY).json()["pages"]["next_page"]).path

    assert api.call("GET", next_page[:-3] + "abc").status_code == 404
    assert api.call("GET", "/v1/events/pages/not-a-token").status_code == 404


def test_a_free_busy_page_token_is_not_an_events_page(api, ten_events, settings):
    settings.API_PAGE_SIZE = 4
    free_busy_page = api.call("GET", f"/v1/free_busy?tzid=Etc/UTC&{JULY}").json()["pages"]
    token = free_busy_page["next_page"].rsplit("/", 1)[1]

    assert api.call("GET", f"/v1/events/pages/{token}").status_code == 404


@pytest.mark.parametrize("header", ["Bearer None", None])
def test_read_without_a_valid_token_is_401(anon_api, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    assert anon_api.get("/v1/events?tzid=Etc/UTC", **extra).status_code == 401


def test_read_needs_read_events_scope(app_creds, account):
    api = JsonClient(make_tokens(app_creds.application, account, scope="create_event").access_token)

    assert read(api).status_code == 403


def make_events(calendar, count):
    """Every other event managed by the calendar's (and the caller's) application."""
    Event.objects.all().delete()
    for n in range(count):
        start = at(1, 0) + dt.timedelta(minutes=n)
        managed = {"application": calendar.account.application, "event_id": f"e{n}"}
        make_event(calendar, start, start + dt.timedelta(hours=1), **(managed if n % 2 else {}))


def queries_to_read(api, path):
    with CaptureQueriesContext(connection) as captured:
        response = api.call("GET", path)
    assert response.status_code == 200
    assert response.json()["events"]
    return len(captured)


@pytest.mark.parametrize("page_size", [100, 4])
def test_query_count_does_not_grow_with_events(
    api, calendar, settings, page_size, django_assert_max_num_queries
):
    settings.API_PAGE_SIZE = page_size
    path = f"/v1/events?tzid=Etc/UTC&{JULY}&include_managed=true"
    path += f"&calendar_ids[]={calendar.calendar_id}"
    make_events(calendar, 5)
    if page_size == 4:  # measure the second page, read through its token
        path = urlsplit(api.call("GET", path).json()["pages"]["next_page"]).path

    few = queries_to_read(api, path)
    make_events(calendar, 50)
    many = queries_to_read(api, path)

    assert few == many
    with django_assert_max_num_queries(5):  # one is the caller's failure count (rate limits)
        api.call("GET", path)
