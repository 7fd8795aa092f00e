"""The ICS file server answers conditional requests as RFC 9110 section 13 says."""

import datetime as dt
import email.utils

import pytest
import requests

from tests.fakes.ics_server import IcsServer

TEXT = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def server():
    with IcsServer() as running:
        running.put("/feed.ics", TEXT)
        yield running


def get(server, headers=None, method="GET", auth=None):
    return requests.request(method, server.url("/feed.ics"), headers=headers, auth=auth, timeout=5)


def test_200_carries_a_strong_etag_last_modified_and_the_calendar(server):
    response = get(server)

    assert response.status_code == 200
    assert response.text == TEXT
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert response.headers["ETag"].startswith('"')
    assert email.utils.parsedate_to_datetime(response.headers["Last-Modified"]).tzinfo


def test_if_none_match_with_the_current_etag_is_304_without_body(server):
    etag = get(server).headers["ETag"]

    response = get(server, {"If-None-Match": etag})

    assert (response.status_code, response.content) == (304, b"")
    assert response.headers["ETag"] == etag


def test_if_none_match_uses_weak_comparison_lists_and_star(server):
    etag = get(server).headers["ETag"]

    assert get(server, {"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert get(server, {"If-None-Match": "*"}).status_code == 304
    assert get(server, {"If-None-Match": '"other"'}).status_code == 200


def test_if_none_match_takes_precedence_over_if_modified_since(server):
    last_modified = get(server).headers["Last-Modified"]

    response = get(server, {"If-None-Match": '"other"', "If-Modified-Since": last_modified})

    assert response.status_code == 200


def test_if_modified_since_compares_with_last_modified(server):
    last_modified = email.utils.parsedate_to_datetime(get(server).headers["Last-Modified"])
    earlier = email.utils.format_datetime(last_modified - dt.timedelta(seconds=1), usegmt=True)

    assert (
        get(
            server, {"If-Modified-Since": email.utils.format_datetime(last_modified, usegmt=True)}
        ).status_code
        == 304
    )
    assert get(server, {"If-Modified-Since": earlier}).status_code == 200
    assert get(server, {"If-Modified-Since": "not a date"}).status_code == 200


def test_a_changed_feed_gets_a_new_etag_and_a_later_last_modified(server):
    first = get(server)
    server.put("/feed.ics", TEXT.replace("2.0", "2.0\r\nX-WR-CALNAME:Team"))

    second = get(server, {"If-None-Match": first.headers["ETag"]})

    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    assert email.utils.parsedate_to_datetime(
        second.headers["Last-Modified"]
    ) > email.utils.parsedate_to_datetime(first.headers["Last-Modified"])


def test_head_has_the_headers_and_no_body(server):
    response = get(server, method="HEAD")

    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["ETag"] == get(server).headers["ETag"]


def test_unknown_path_is_404_and_other_methods_405(server):
    assert requests.get(server.url("/nope.ics"), timeout=5).status_code == 404
    assert get(server, method="PROPFIND").status_code == 405


def test_basic_auth_when_required(server):
    server.require_auth("feed", "s3cret")

    refused = get(server)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Basic")
    assert get(server, auth=("feed", "wrong")).status_code == 401
    assert get(server, auth=("feed", "s3cret")).status_code == 200


def test_fail_next_answers_once_with_retry_after(server):
    server.fail_next(429, retry_after=30)

    failed = get(server)
    assert (failed.status_code, failed.headers["Retry-After"]) == (429, "30")
    assert get(server).status_code == 200


def test_requests_are_logged_with_their_headers(server):
    get(server, {"If-None-Match": '"x"'})

    assert server.requests[-1].method == "GET"
    assert server.requests[-1].path == "/feed.ics"
    assert server.requests[-1].headers["If-None-Match"] == '"x"'
