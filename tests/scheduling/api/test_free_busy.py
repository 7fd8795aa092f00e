"""GET /v1/free_busy over plain HTTP."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.models import Event
from scheduling.scopes import DEFAULT_SCOPE
from tests.api_client import JsonClient
from tests.factories import make_account, make_event, make_tokens, primary_calendar

pytestmark = pytest.mark.django_db

UTC = dt.UTC
JULY = "from=2024-07-01&to=2024-08-01"


def at(day, hour):
    return dt.datetime(2024, 7, day, hour, tzinfo=UTC)


@pytest.fixture
def calendar(account):
    return primary_calendar(account)


def block(calendar, day, hour, **fields):
    return make_event(calendar, at(day, hour), at(day, hour + 1), **fields)


def free_busy(api, query=JULY, tzid="Etc/UTC"):
    return api.call("GET", f"/v1/free_busy?tzid={tzid}&{query}")


def test_blocks_with_their_status(api, calendar):
    block(calendar, 1, 9)
    block(calendar, 1, 10, status="tentative")
    block(calendar, 1, 11, transparency="transparent")
    block(calendar, 1, 12, status="cancelled")
    block(calendar, 1, 13, deleted=True)

    response = free_busy(api)

    assert response.status_code == 200
    assert response.json() == {
        "pages": {"current": 1, "total": 1},
        "free_busy": [
            {
                "calendar_id": calendar.calendar_id,
                "start": f"2024-07-01T{hour:02d}:00:00Z",
                "end": f"2024-07-01T{hour + 1}:00:00Z",
                "free_busy_status": status,
            }
            for hour, status in [(9, "busy"), (10, "tentative"), (11, "free")]
        ],
    }


def test_managed_events_only_with_include_managed(api, app_creds, calendar):
    block(calendar, 1, 9, application=app_creds.application, event_id="m")

    assert free_busy(api).json()["free_busy"] == []
    assert len(free_busy(api, f"{JULY}&include_managed=True").json()["free_busy"]) == 1


def test_window_dates_are_days_in_tzid(api, calendar):
    block(calendar, 1, 3)  # 2024-06-30 23:00 in New York
    block(calendar, 1, 4)  # 2024-07-01 00:00 in New York

    response = free_busy(api, "from=2024-07-01&to=2024-07-02", tzid="America/New_York")

    assert [b["start"] for b in response.json()["free_busy"]] == ["2024-07-01T04:00:00Z"]


def test_all_day_events_are_dates_and_localized_times_are_objects(api, calendar):
    make_event(
        calendar,
        at(1, 0),
        at(2, 0),
        all_day=True,
        start_date=dt.date(2024, 7, 1),
        end_date=dt.date(2024, 7, 2),
    )
    block(calendar, 3, 9, start_tzid="Europe/Rome", end_tzid="Europe/Rome")

    plain = free_busy(api).json()["free_busy"]
    localized = free_busy(api, f"{JULY}&localized_times=true").json()["free_busy"]

    assert (plain[0]["start"], plain[0]["end"]) == ("2024-07-01", "2024-07-02")
    assert localized[0]["start"] == {"time": "2024-07-01", "tzid": "Etc/UTC"}
    assert localized[1]["end"] == {"time": "2024-07-03T10:00:00Z", "tzid": "Europe/Rome"}


def test_calendar_ids_restrict_and_must_be_the_callers(api, app_creds, calendar):
    block(calendar, 1, 9)
    foreign = primary_calendar(make_account(app_creds.application))
    block(foreign, 1, 10)

    own = free_busy(api, f"{JULY}&calendar_ids[]={calendar.calendar_id}").json()["free_busy"]
    response = free_busy(api, f"{JULY}&calendar_ids[]={foreign.calendar_id}")

    assert [b["calendar_id"] for b in own] == [calendar.calendar_id]
    assert response.status_code == 422
    assert response.json()["errors"]["calendar_ids"][0]["key"] == "errors.invalid"


def test_tzid_is_required(api):
    response = api.call("GET", "/v1/free_busy")

    assert response.status_code == 422
    assert response.json()["errors"]["tzid"][0]["key"] == "errors.required"


@pytest.mark.parametrize(
    ("scope", "status"),
    [(DEFAULT_SCOPE, 200), ("read_free_busy", 200), ("read_events", 200), ("create_event", 403)],
)
def test_read_events_or_read_free_busy_scope_is_enough(app_creds, account, scope, status):
    api = JsonClient(make_tokens(app_creds.application, account, scope=scope).access_token)

    response = free_busy(api)

    assert response.status_code == status
    if status == 403:
        assert response.json()["errors"]["base"][0]["key"] == "errors.insufficient_scope"


def test_bearer_none_is_401(anon_api):
    response = anon_api.get("/v1/free_busy?tzid=Etc/UTC", HTTP_AUTHORIZATION="Bearer None")

    assert response.status_code == 401


def test_pages_and_their_tokens(api, app_creds, calendar, settings):
    settings.API_PAGE_SIZE = 2
    for hour in range(5):
        block(calendar, 1, hour)

    first = free_busy(api).json()
    second_path = urlsplit(first["pages"]["next_page"]).path
    second = api.call("GET", second_path).json()
    other = JsonClient(
        make_tokens(app_creds.application, make_account(app_creds.application)).access_token
    )

    assert second_path.startswith("/v1/free_busy/pages/")
    assert first["pages"]["total"] == 3
    assert [b["start"][11:13] for b in second["free_busy"]] == ["02", "03"]
    assert other.call("GET", second_path).status_code == 404
    assert api.call("GET", "/v1/free_busy/pages/forged").status_code == 404
    events_token = urlsplit(
        api.call("GET", f"/v1/events?tzid=Etc/UTC&{JULY}").json()["pages"]["next_page"]
    )
    assert api.call("GET", events_token.path.replace("/events/", "/free_busy/")).status_code == 404


def test_query_count_does_not_grow_with_events(api, calendar, django_assert_max_num_queries):
    counts = []
    for count in (5, 50):
        Event.objects.all().delete()
        for n in range(count):
            block(calendar, 1 + n % 20, n % 20)
        with CaptureQueriesContext(connection) as captured:
            assert len(free_busy(api).json()["free_busy"]) == count
        counts.append(len(captured))

    assert counts[0] == counts[1]
    with django_assert_max_num_queries(4):  # one is the caller's failure count (rate limits)
        free_busy(api)
