import datetime as dt
from urllib.parse import urlencode, urlsplit

import pytest
from django.utils import timezone
from pycronofy.pagination import Pages

from scheduling.models import AvailablePeriod
from tests.api_client import JsonClient
from tests.factories import make_account, make_available_period, make_tokens

pytestmark = pytest.mark.django_db

UTC = dt.UTC
PATH = "/v1/available_periods"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def get(client, path: str, query: dict | None = None):
    """GET with the client's bearer token (Django's client.get would not send it)."""
    return client.call("GET", path + (f"?{urlencode(query)}" if query else ""))


def read_ids(api, **query) -> list[str]:
    response = get(api, PATH, query)
    assert response.status_code == 200, response.content
    return [item["available_period_id"] for item in response.json()["available_periods"]]


def test_read_presents_periods_with_utc_times(api, account):
    make_available_period(account, utc(2024, 7, 27, 9), utc(2024, 7, 27, 17), "p1")
    response = get(api, PATH, {"from": "2024-07-27", "to": "2024-07-28"})
    assert response.json() == {
        "pages": {"current": 1, "total": 1},
        "available_periods": [
            {
                "available_period_id": "p1",
                "start": "2024-07-27T09:00:00Z",
                "end": "2024-07-27T17:00:00Z",
            }
        ],
    }


def test_read_orders_by_start(api, account):
    make_available_period(account, utc(2024, 7, 27, 12), utc(2024, 7, 27, 13), "late")
    make_available_period(account, utc(2024, 7, 27, 8), utc(2024, 7, 27, 9), "early")
    assert read_ids(api, **{"from": "2024-07-27", "to": "2024-07-28"}) == ["early", "late"]


def test_read_uses_overlap_and_exclusive_to(api, account):
    make_available_period(account, utc(2024, 7, 26, 23), utc(2024, 7, 27, 1), "straddles-from")
    make_available_period(account, utc(2024, 7, 26, 22), utc(2024, 7, 27, 0), "ends-at-from")
    make_available_period(account, utc(2024, 7, 27, 23), utc(2024, 7, 28, 1), "straddles-to")
    make_available_period(account, utc(2024, 7, 28, 0), utc(2024, 7, 28, 2), "starts-at-to")
    make_available_period(account, utc(2024, 7, 26), utc(2024, 7, 29), "covers-window")
    ids = read_ids(api, **{"from": "2024-07-27", "to": "2024-07-28"})
    assert ids == ["covers-window", "straddles-from", "straddles-to"]


def test_read_accepts_times_as_bounds(api, account):
    make_available_period(account, utc(2024, 7, 27, 9), utc(2024, 7, 27, 10), "nine")
    make_available_period(account, utc(2024, 7, 27, 11), utc(2024, 7, 27, 12), "eleven")
    ids = read_ids(api, **{"from": "2024-07-27T10:30:00Z", "to": "2024-07-27T13:00:00Z"})
    assert ids == ["eleven"]


def test_read_dates_are_days_in_tzid(api, account):
    # 2024-07-27 in Pacific/Auckland (UTC+12) is 2024-07-26T12:00Z .. 2024-07-27T12:00Z.
    make_available_period(account, utc(2024, 7, 26, 13), utc(2024, 7, 26, 14), "auckland-day")
    make_available_period(account, utc(2024, 7, 27, 13), utc(2024, 7, 27, 14), "utc-day-only")
    query = {"from": "2024-07-27", "to": "2024-07-28"}
    assert read_ids(api, **query, tzid="Pacific/Auckland") == ["auckland-day"]
    assert read_ids(api, **query) == ["utc-day-only"]


@pytest.mark.parametrize(
    ("tzid", "day", "first_instant", "last_instant"),
    [
        # Spring gap: the day has 23 hours.
        ("America/New_York", "2024-03-10", utc(2024, 3, 10, 5), utc(2024, 3, 11, 4)),
        ("Europe/Berlin", "2024-03-31", utc(2024, 3, 30, 23), utc(2024, 3, 31, 22)),
        # Autumn overlap: the day has 25 hours.
        ("Europe/London", "2024-10-27", utc(2024, 10, 26, 23), utc(2024, 10, 28, 0)),
        ("America/New_York", "2024-11-03", utc(2024, 11, 3, 4), utc(2024, 11, 4, 5)),
        # Midnight itself is skipped: the day starts at 01:00 local (UTC-3).
        ("America/Santiago", "2024-09-08", utc(2024, 9, 8, 4), utc(2024, 9, 9, 3)),
    ],
)
def test_read_date_window_follows_dst_changes(api, account, tzid, day, first_instant, last_instant):
    minute = dt.timedelta(minutes=1)
    make_available_period(account, first_instant - minute, first_instant, "before")
    make_available_period(account, first_instant, first_instant + minute, "first")
    make_available_period(account, last_instant - minute, last_instant, "last")
    make_available_period(account, last_instant, last_instant + minute, "after")
    next_day = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    assert read_ids(api, **{"from": day, "to": next_day, "tzid": tzid}) == ["first", "last"]


def test_read_localized_times_gives_time_and_tzid(api, account):
    make_available_period(account, utc(2024, 7, 27, 9), utc(2024, 7, 27, 17), "p1")
    query = {"from": "2024-07-27", "to": "2024-07-28", "tzid": "Europe/Paris"}
    item = get(api, PATH, {**query, "localized_times": "True"}).json()["available_periods"][0]
    assert item["start"] == {"time": "2024-07-27T09:00:00Z", "tzid": "Europe/Paris"}
    assert item["end"] == {"time": "2024-07-27T17:00:00Z", "tzid": "Europe/Paris"}


def test_read_default_window_is_42_days_back_to_201_days_ahead(api, account):
    today = timezone.now().date()

    def day_period(days: int, name: str) -> None:
        start = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(12), tzinfo=UTC)
        make_available_period(account, start, start + dt.timedelta(hours=1), name)

    day_period(-43, "too-old")
    day_period(-42, "oldest")
    day_period(200, "furthest")
    day_period(201, "too-far")
    assert read_ids(api) == ["oldest", "furthest"]


def test_read_shows_only_the_callers_periods(api, app_creds, account):
    other = make_account(app_creds.application)
    make_available_period(other, utc(2024, 7, 27, 9), utc(2024, 7, 27, 10), "theirs")
    make_available_period(account, utc(2024, 7, 27, 9), utc(2024, 7, 27, 10), "mine")
    assert read_ids(api, **{"from": "2024-07-27", "to": "2024-07-28"}) == ["mine"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"tzid": "Mars/Base"}, "tzid"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2024-13-01"}, "to"),
        ({"from": "2024-07-28", "to": "2024-07-28"}, "to"),
        ({"from": "2024-07-28", "to": "2024-07-27"}, "to"),
        ({"localized_times": "perhaps"}, "localized_times"),
    ],
)
def test_read_rejects_bad_query(api, query, field):
    response = get(api, PATH, query)
    assert response.status_code == 422
    assert field in response.json()["errors"]


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def five_periods(account, settings):
    settings.API_PAGE_SIZE = 2
    for day in range(1, 6):
        make_available_period(account, utc(2024, 7, day, 9), utc(2024, 7, day, 10), f"d{day}")


def test_pages_follow_next_page_links(api, five_periods):
    response = get(api, PATH, {"from": "2024-07-01", "to": "2024-08-01", "tzid": "Europe/Paris"})
    seen = []
    for expected_page in (1, 2, 3):
        body = response.json()
        assert body["pages"]["current"] == expected_page
        assert body["pages"]["total"] == 3
        seen += [item["available_period_id"] for item in body["available_periods"]]
        if expected_page < 3:
            next_page = body["pages"]["next_page"]
            assert next_page.startswith("http://testserver/v1/available_periods/pages/")
            response = get(api, urlsplit(next_page).path)
            assert response.status_code == 200
    assert "next_page" not in body["pages"]
    assert seen == ["d1", "d2", "d3", "d4", "d5"]


def test_page_token_of_another_account_is_404(api, app_creds, five_periods):
    next_page = get(api, PATH, {"from": "2024-07-01", "to": "2024-08-01"}).json()["pages"]
    other = make_account(app_creds.application)
    other_api = JsonClient(make_tokens(app_creds.application, other).access_token)
    response = get(other_api, urlsplit(next_page["next_page"]).path)
    assert response.status_code == 404
    assert response.json()["errors"]["base"][0]["key"] == "errors.not_found"


def test_forged_page_token_is_404(api, five_periods):
    assert get(api, PATH + "/pages/not-a-token").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_pycronofy_request_handler_reads_all_pages(cronofy, app_creds, account, settings):
    settings.API_PAGE_SIZE = 2
    client = cronofy(access_token=make_tokens(app_creds.application, account).access_token)
    for day in range(1, 6):
        client.request_handler.post(
            endpoint="available_periods",
            data={
                "available_period_id": f"d{day}",
                "start": f"2024-07-0{day}T09:00:00Z",
                "end": f"2024-07-0{day}T10:00:00Z",
            },
        )
    first = client.request_handler.get(
        endpoint="available_periods", params={"from": "2024-07-01", "to": "2024-08-01"}
    ).json()
    periods = Pages(client.request_handler, first, "available_periods").all()
    assert [period["available_period_id"] for period in periods] == ["d1", "d2", "d3", "d4", "d5"]
    client.request_handler.delete(endpoint="available_periods", data={"delete_all": True})
    assert not AvailablePeriod.objects.filter(account=account).exists()
