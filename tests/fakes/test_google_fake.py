"""The fake Google held to Google's documentation, with plain `requests`:
https://developers.google.com/calendar/api/v3/reference (events.list, events.watch, errors),
https://developers.google.com/calendar/api/guides/sync, .../guides/push and
https://developers.google.com/identity/protocols/oauth2/web-server (consent, token endpoint)."""

import base64
import urllib.parse

import pytest
import requests

from tests.fakes.google import FakeGoogle

EMAIL = "ann@example.com"
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"
REDIRECT = "http://127.0.0.1:9/back"


@pytest.fixture
def google():
    with FakeGoogle() as fake:
        fake.add_user(EMAIL)
        yield fake


@pytest.fixture
def bearer(google):
    return {"Authorization": "Bearer " + google.grant(EMAIL)["access_token"]}


def _event(day: int, summary: str = "Busy", **extra) -> dict:
    return {
        "summary": summary,
        "start": {"dateTime": f"2026-12-{day:02d}T09:00:00Z"},
        "end": {"dateTime": f"2026-12-{day:02d}T10:00:00Z"},
        **extra,
    }


def _events_url(google: FakeGoogle) -> str:
    return google.api_url + "calendars/" + urllib.parse.quote(EMAIL, safe="") + "/events"


def _list(google, bearer, **params) -> requests.Response:
    return requests.get(_events_url(google), params=params, headers=bearer, timeout=5)


# --- events.list ----------------------------------------------------------------------------


def test_list_pages_carry_next_page_token_and_only_the_last_the_sync_token(google, bearer):
    for day in range(1, 6):
        google.put_event(EMAIL, _event(day))

    pages = [_list(google, bearer, maxResults=2).json()]
    while "nextPageToken" in pages[-1]:
        pages.append(
            _list(google, bearer, maxResults=2, pageToken=pages[-1]["nextPageToken"]).json()
        )

    assert [len(page["items"]) for page in pages] == [2, 2, 1]
    assert all(page["kind"] == "calendar#events" for page in pages)
    assert ["nextSyncToken" in page for page in pages] == [False, False, True]
    assert "nextPageToken" not in pages[-1]
    assert [item["start"]["dateTime"][:10] for page in pages for item in page["items"]] == [
        f"2026-12-0{day}" for day in range(1, 6)
    ]


def test_list_page_size_never_exceeds_2500(google, bearer):
    for index in range(2501):
        google.put_event(EMAIL, _event(1 + index % 28))

    page = _list(google, bearer, maxResults=5000).json()

    assert len(page["items"]) == 2500
    assert "nextPageToken" in page


def test_list_filters_by_time_min_on_end_and_time_max_on_start(google, bearer):
    for day in (1, 2, 3):
        google.put_event(EMAIL, _event(day, summary=f"day {day}"))

    page = _list(
        google, bearer, timeMin="2026-12-01T10:00:00Z", timeMax="2026-12-03T09:00:00Z"
    ).json()

    assert [item["summary"] for item in page["items"]] == ["day 2"]


def test_sync_token_lists_changes_since_with_deletions_cancelled(google, bearer):
    kept = google.put_event(EMAIL, _event(1, summary="kept"))
    gone = google.put_event(EMAIL, _event(2, summary="gone"))
    token = _list(google, bearer).json()["nextSyncToken"]
    google.put_event(EMAIL, {**kept, "summary": "renamed"})
    google.delete_event(EMAIL, gone["id"])
    added = google.put_event(EMAIL, _event(3, summary="added"))

    page = _list(google, bearer, syncToken=token).json()

    changed = {item["id"]: item for item in page["items"]}
    assert set(changed) == {kept["id"], gone["id"], added["id"]}
    assert changed[kept["id"]]["summary"] == "renamed"
    assert changed[gone["id"]]["status"] == "cancelled"
    assert _list(google, bearer, syncToken=page["nextSyncToken"]).json()["items"] == []


def test_expired_sync_token_answers_410_full_sync_required(google, bearer):
    token = _list(google, bearer).json()["nextSyncToken"]
    google.expire_sync_tokens()

    answer = _list(google, bearer, syncToken=token)

    assert answer.status_code == 410
    assert answer.json() == {
        "error": {
            "errors": [
                {
                    "domain": "global",
                    "reason": "fullSyncRequired",
                    "message": "Sync token is no longer valid, a full sync is required.",
                }
            ],
            "code": 410,
            "message": "Sync token is no longer valid, a full sync is required.",
        }
    }


def test_sync_token_with_time_min_answers_400(google, bearer):
    token = _list(google, bearer).json()["nextSyncToken"]

    answer = _list(google, bearer, syncToken=token, timeMin="2026-12-01T00:00:00Z")

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 400


def test_single_events_expands_a_series_into_instances(google, bearer):
    series = google.put_event(EMAIL, _event(1, recurrence=["RRULE:FREQ=DAILY;COUNT=3"]))

    page = _list(google, bearer, singleEvents="true").json()

    assert [item["id"] for item in page["items"]] == [
        f"{series['id']}_2026120{day}T090000Z" for day in (1, 2, 3)
    ]
    assert {item["recurringEventId"] for item in page["items"]} == {series["id"]}
    assert page["items"][1]["originalStartTime"] == page["items"][1]["start"]
    assert "recurrence" not in page["items"][0]


def test_a_cancelled_instance_shows_only_with_show_deleted(google, bearer):
    series = google.put_event(EMAIL, _event(1, recurrence=["RRULE:FREQ=DAILY;COUNT=3"]))
    google.delete_event(EMAIL, f"{series['id']}_20261202T090000Z")

    shown = _list(google, bearer, singleEvents="true").json()["items"]
    with_deleted = _list(google, bearer, singleEvents="true", showDeleted="true").json()["items"]

    assert [item["start"]["dateTime"][:10] for item in shown] == ["2026-12-01", "2026-12-03"]
    assert [item["status"] for item in with_deleted] == ["confirmed", "cancelled", "confirmed"]


def test_without_single_events_a_series_lists_as_its_master(google, bearer):
    series = google.put_event(EMAIL, _event(1, recurrence=["RRULE:FREQ=DAILY;COUNT=3"]))

    [item] = _list(google, bearer).json()["items"]

    assert item["id"] == series["id"]
    assert item["recurrence"] == ["RRULE:FREQ=DAILY;COUNT=3"]


# --- errors ---------------------------------------------------------------------------------


def test_an_unknown_access_token_answers_401_with_googles_error_body(google):
    answer = _list(google, {"Authorization": "Bearer nope"})

    assert answer.status_code == 401
    message = "Request had invalid authentication credentials."
    assert answer.json() == {
        "error": {
            "code": 401,
            "message": message,
            "errors": [
                {
                    "domain": "global",
                    "reason": "authError",
                    "message": message,
                    "locationType": "header",
                    "location": "Authorization",
                }
            ],
            "status": "UNAUTHENTICATED",
        }
    }


def test_a_revoked_grant_refuses_its_access_and_refresh_tokens(google):
    tokens = google.grant(EMAIL)
    google.revoke(EMAIL)

    listed = _list(google, {"Authorization": "Bearer " + tokens["access_token"]})
    refreshed = _token(google, grant_type="refresh_token", refresh_token=tokens["refresh_token"])

    assert listed.status_code == 401
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"


def test_an_expired_access_token_answers_401_until_refreshed(google):
    tokens = google.grant(EMAIL)
    google.expire_access_tokens()

    expired = _list(google, {"Authorization": "Bearer " + tokens["access_token"]})
    fresh = _token(google, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    renewed = _list(google, {"Authorization": "Bearer " + fresh.json()["access_token"]})

    assert (expired.status_code, renewed.status_code) == (401, 200)


def test_fail_next_answers_429_with_retry_after_then_recovers(google, bearer):
    google.fail_next(429, retry_after=7)

    limited = _list(google, bearer)
    after = _list(google, bearer)

    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "7"
    [error] = limited.json()["error"]["errors"]
    assert (error["domain"], error["reason"]) == ("usageLimits", "rateLimitExceeded")
    assert after.status_code == 200


def test_fail_next_503_is_a_backend_error(google, bearer):
    google.fail_next(503)

    answer = _list(google, bearer)

    assert answer.status_code == 503
    assert answer.json()["error"]["errors"][0]["reason"] == "backendError"
    assert "Retry-After" not in answer.headers


def test_writing_to_a_read_only_calendar_answers_403(google, bearer):
    calendar_id = google.add_calendar(EMAIL, "Holidays", access_role="reader")
    url = google.api_url + "calendars/" + urllib.parse.quote(calendar_id) + "/events"

    answer = requests.post(url, json=_event(1), headers=bearer, timeout=5)

    assert answer.status_code == 403
    assert answer.json()["error"]["errors"][0]["reason"] == "requiredAccessLevel"


def test_an_invalid_recurrence_answers_400(google, bearer):
    body = _event(1, recurrence=["RRULE:FREQ=SOMETIMES"])

    answer = requests.post(_events_url(google), json=body, headers=bearer, timeout=5)

    assert answer.status_code == 400
    assert google.events(EMAIL) == []


def test_an_event_ending_before_it_starts_answers_400_time_range_empty(google, bearer):
    body = {**_event(2), "end": {"dateTime": "2026-12-01T09:00:00Z"}}

    answer = requests.post(_events_url(google), json=body, headers=bearer, timeout=5)

    assert answer.status_code == 400
    assert answer.json()["error"]["errors"][0]["reason"] == "timeRangeEmpty"


def test_deleting_an_event_twice_answers_410_deleted(google, bearer):
    event = google.put_event(EMAIL, _event(1))
    url = _events_url(google) + "/" + event["id"]

    first = requests.delete(url, headers=bearer, timeout=5)
    second = requests.delete(url, headers=bearer, timeout=5)

    assert (first.status_code, second.status_code) == (204, 410)
    assert second.json()["error"]["errors"][0]["reason"] == "deleted"


# --- calendarList ---------------------------------------------------------------------------


def test_calendar_list_marks_the_primary_calendar_and_access_roles(google, bearer):
    google.add_calendar(EMAIL, "Holidays", access_role="reader")

    answer = requests.get(
        google.api_url + "users/me/calendarList", headers=bearer, timeout=5
    ).json()

    assert answer["kind"] == "calendar#calendarList"
    primary, holidays = answer["items"]
    assert (primary["id"], primary["primary"], primary["accessRole"]) == (EMAIL, True, "owner")
    assert holidays["accessRole"] == "reader"
    assert "primary" not in holidays


# --- OAuth ----------------------------------------------------------------------------------


def _authorize_params(google, **overrides) -> dict:
    return {
        "client_id": google.client_id,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": CALENDAR_SCOPE,
        "access_type": "offline",
        "state": "s-123",
        "login_hint": EMAIL,
        **overrides,
    }


def _decide(google, decision: str) -> dict:
    form = {**_authorize_params(google), "decision": decision}
    answer = requests.post(google.authorize_url, data=form, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    location = urllib.parse.urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return dict(urllib.parse.parse_qsl(location.query))


def _token(google, auth=None, **form) -> requests.Response:
    if auth is None:
        form = {"client_id": google.client_id, "client_secret": google.client_secret, **form}
    return requests.post(google.token_url, data=form, auth=auth, timeout=5)


def test_consent_page_names_the_app_and_the_account(google):
    page = requests.get(google.authorize_url, params=_authorize_params(google), timeout=5)

    assert page.status_code == 200
    assert f"{google.app_name} wants to access your Google Calendar" in page.text
    assert EMAIL in page.text
    assert 'value="allow"' in page.text
    assert 'value="deny"' in page.text


def test_consent_with_an_unknown_client_is_an_error_page_not_a_redirect(google):
    params = _authorize_params(google, client_id="someone-else")

    page = requests.get(google.authorize_url, params=params, allow_redirects=False, timeout=5)

    assert page.status_code == 401
    assert "invalid_client" in page.text


def test_allow_redirects_with_code_and_state_and_deny_with_access_denied(google):
    allowed = _decide(google, "allow")
    denied = _decide(google, "deny")

    assert allowed["state"] == denied["state"] == "s-123"
    assert allowed["code"]
    assert denied == {"error": "access_denied", "state": "s-123"}


def test_code_exchange_answers_googles_token_shape(google):
    code = _decide(google, "allow")["code"]

    answer = _token(google, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)

    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "expires_in", "refresh_token", "scope", "token_type"}
    assert (body["token_type"], body["scope"]) == ("Bearer", CALENDAR_SCOPE)


def test_a_code_works_once(google):
    code = _decide(google, "allow")["code"]
    _token(google, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)

    again = _token(google, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)

    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_code_exchange_needs_the_same_redirect_uri(google):
    code = _decide(google, "allow")["code"]

    answer = _token(google, grant_type="authorization_code", code=code, redirect_uri=REDIRECT + "x")

    assert answer.status_code == 400
    assert answer.json()["error"] == "redirect_uri_mismatch"


def test_token_endpoint_takes_client_credentials_by_basic_auth(google):
    refresh_token = google.grant(EMAIL)["refresh_token"]

    answer = _token(
        google,
        auth=(google.client_id, google.client_secret),
        grant_type="refresh_token",
        refresh_token=refresh_token,
    )

    assert answer.status_code == 200
    assert "refresh_token" not in answer.json()  # a refresh issues no new refresh token
    assert answer.json()["access_token"]


def test_token_endpoint_refuses_a_bad_client_secret_with_401(google):
    refresh_token = google.grant(EMAIL)["refresh_token"]

    answer = _token(
        google,
        auth=(google.client_id, "wrong"),
        grant_type="refresh_token",
        refresh_token=refresh_token,
    )

    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def test_userinfo_answers_for_the_token_owner(google, bearer):
    info = requests.get(google.userinfo_url, headers=bearer, timeout=5).json()

    assert (info["email"], info["verified_email"]) == (EMAIL, True)


# --- push -----------------------------------------------------------------------------------


def _watch(google, bearer, address: str, channel_id: str = "chan-1") -> requests.Response:
    body = {"id": channel_id, "type": "web_hook", "address": address, "token": "tok-1"}
    return requests.post(_events_url(google) + "/watch", json=body, headers=bearer, timeout=5)


def test_watch_answers_a_channel_and_sends_the_sync_message(google, bearer, receiver):
    answer = _watch(google, bearer, receiver.url).json()

    assert answer["kind"] == "api#channel"
    assert answer["id"] == "chan-1"
    assert answer["resourceId"]
    assert answer["resourceUri"].startswith(google.api_url)
    assert isinstance(answer["expiration"], str)
    assert answer["expiration"].isdigit()
    [sync] = receiver.wait_for(1)
    assert sync.headers["X-Goog-Resource-State"] == "sync"
    assert sync.headers["X-Goog-Channel-ID"] == "chan-1"
    assert sync.headers["X-Goog-Channel-Token"] == "tok-1"
    assert sync.headers["X-Goog-Resource-ID"] == answer["resourceId"]
    assert sync.headers["X-Goog-Message-Number"] == "1"


def test_notify_posts_exists_with_the_next_message_number(google, bearer, receiver):
    _watch(google, bearer, receiver.url)
    receiver.wait_for(1)

    [delivery] = google.notify(EMAIL)

    assert delivery.status == 200
    exists = receiver.wait_for(2)[1]
    assert exists.headers["X-Goog-Resource-State"] == "exists"
    assert exists.headers["X-Goog-Message-Number"] == "2"
    assert exists.headers["X-Goog-Resource-URI"] == google._resource_uri(EMAIL)


def test_auto_notify_tells_channels_of_a_change(google, bearer, receiver):
    _watch(google, bearer, receiver.url)
    receiver.wait_for(1)
    google.auto_notify = True

    google.put_event(EMAIL, _event(1))

    assert receiver.wait_for(2)[1].headers["X-Goog-Resource-State"] == "exists"


def test_channels_stop_answers_204_then_404(google, bearer, receiver):
    channel = _watch(google, bearer, receiver.url).json()
    body = {"id": channel["id"], "resourceId": channel["resourceId"]}
    url = google.api_url + "channels/stop"

    first = requests.post(url, json=body, headers=bearer, timeout=5)
    second = requests.post(url, json=body, headers=bearer, timeout=5)

    assert (first.status_code, second.status_code) == (204, 404)
    assert google.notify(EMAIL) == []


def test_a_channel_id_is_unique(google, bearer, receiver):
    _watch(google, bearer, receiver.url)

    again = _watch(google, bearer, receiver.url)

    assert again.status_code == 400


def test_requests_are_recorded(google, bearer):
    _list(google, bearer, maxResults=3)

    last = google.requests[-1]
    assert (last.method, last.query["maxResults"]) == ("GET", "3")
    assert last.path.endswith("/events")


def test_id_token_when_openid_is_asked(google):
    tokens = google.grant(EMAIL, scope="openid email " + CALENDAR_SCOPE)

    payload = tokens["id_token"].split(".")[1]
    claims = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))

    assert EMAIL.encode() in claims
