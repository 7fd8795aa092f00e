"""FakeGraph held to Microsoft's documentation, with plain `requests`: the identity platform's
auth-code flow (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow), Graph's
error envelope (learn.microsoft.com/graph/errors), calendarView delta
(learn.microsoft.com/graph/delta-query-events) and subscriptions with their validation handshake
(learn.microsoft.com/graph/change-notifications-delivery-webhooks)."""

import datetime as dt
import re
import time
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.fakes.microsoft import FakeGraph, NotificationReceiver, weekly

EMAIL = "ann@example.com"
START = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
WINDOW = {"startDateTime": "2026-11-01T00:00:00Z", "endDateTime": "2027-03-01T00:00:00Z"}


@pytest.fixture
def graph():
    with FakeGraph() as running:
        running.calendar_id = running.add_user(EMAIL)
        running.token = running.grant(EMAIL)["access_token"]
        yield running


def call(graph, method, path, *, token=None, prefer="", **kwargs):
    headers = {"Authorization": f"Bearer {token or graph.token}"}
    if prefer:
        headers["Prefer"] = prefer
    url = path if path.startswith("http") else graph.graph_url + path
    return requests.request(method, url, headers=headers, timeout=10, **kwargs)


def add_events(graph, count):
    return [
        graph.put_event(
            graph.calendar_id,
            start=START + dt.timedelta(hours=i),
            end=START + dt.timedelta(hours=i, minutes=30),
            subject=f"Event {i}",
        )
        for i in range(count)
    ]


# --- the identity platform ---
def authorize(graph, **overrides):
    params = {
        "client_id": graph.client_id,
        "redirect_uri": "http://127.0.0.1:9/back",
        "response_type": "code",
        "scope": "offline_access https://graph.microsoft.com/Calendars.ReadWrite",
        "state": "st-1",
        "login_hint": EMAIL,
    } | overrides
    answer = requests.get(graph.authorize_url, params=params, allow_redirects=False, timeout=10)
    return answer, params


def consent(graph, params, choice):
    answer = requests.post(
        graph.authorize_url, data=params | {"consent": choice}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    return location, {k: v[0] for k, v in parse_qs(location.query).items()}


def test_auth_code_flow_issues_tokens_and_a_new_refresh_token_on_refresh(graph):
    page, params = authorize(graph)
    assert page.status_code == 200
    assert 'name="consent" value="accept"' in page.text
    assert 'name="consent" value="cancel"' in page.text
    location, query = consent(graph, params, "accept")
    assert f"{location.scheme}://{location.netloc}{location.path}" == params["redirect_uri"]
    assert query["state"] == "st-1"

    form = {
        "client_id": graph.client_id,
        "client_secret": graph.client_secret,
        "grant_type": "authorization_code",
        "code": query["code"],
        "redirect_uri": params["redirect_uri"],
    }
    tokens = requests.post(graph.token_url, data=form, timeout=10).json()
    assert tokens["token_type"] == "Bearer"
    assert {"scope", "expires_in", "access_token", "refresh_token"} <= tokens.keys()
    assert call(graph, "GET", "/me", token=tokens["access_token"]).json()["mail"] == EMAIL

    refresh = {
        "client_id": graph.client_id,
        "client_secret": graph.client_secret,
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
    }
    refreshed = requests.post(graph.token_url, data=refresh, timeout=10).json()
    assert refreshed["refresh_token"] != tokens["refresh_token"]
    assert refreshed["access_token"] != tokens["access_token"]

    again = requests.post(graph.token_url, data=form, timeout=10)  # a code is single-use
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_cancelled_consent_and_missing_scopes_return_errors_to_the_redirect_uri(graph):
    _, params = authorize(graph)
    _, query = consent(graph, params, "cancel")
    assert query["error"] == "access_denied"
    assert query["error_description"]
    assert query["state"] == "st-1"

    answer, _ = authorize(graph, scope="Calendars.ReadWrite")  # no offline_access
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == ["invalid_scope"]


def test_a_revoked_grant_is_invalid_grant_with_error_codes_and_401_on_graph(graph):
    tokens = graph.grant(EMAIL)
    graph.revoke(EMAIL)
    answer = requests.post(
        graph.token_url,
        data={
            "client_id": graph.client_id,
            "client_secret": graph.client_secret,
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
        },
        timeout=10,
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "invalid_grant"
    assert body["error_description"].startswith("AADSTS")
    assert isinstance(body["error_codes"], list)

    refused = call(graph, "GET", "/me/calendars", token=tokens["access_token"])
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert refused.json()["error"]["message"]


def test_a_wrong_client_secret_is_invalid_client(graph):
    answer = requests.post(
        graph.token_url,
        data={"client_id": graph.client_id, "client_secret": "nope", "grant_type": "refresh_token"},
        timeout=10,
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


# --- Graph ---
def test_calendars_page_with_next_link(graph):
    for i in range(11):
        graph.add_calendar(EMAIL, f"Extra {i}", can_edit=i != 0)
    first = call(graph, "GET", "/me/calendars").json()
    assert len(first["value"]) == 10
    second = call(graph, "GET", first["@odata.nextLink"]).json()
    assert len(second["value"]) == 2
    assert "@odata.nextLink" not in second
    calendar = first["value"][0]
    assert {"id", "name", "isDefaultCalendar", "canEdit", "owner"} <= calendar.keys()


def test_delta_pages_with_skiptoken_then_a_deltatoken_link(graph):
    add_events(graph, 5)
    path = f"/me/calendars/{graph.calendar_id}/calendarView/delta"
    pages = [call(graph, "GET", path, params=WINDOW, prefer="odata.maxpagesize=2").json()]
    while "@odata.nextLink" in pages[-1]:
        assert "@odata.deltaLink" not in pages[-1]
        assert "$skiptoken=" in pages[-1]["@odata.nextLink"]
        pages.append(
            call(graph, "GET", pages[-1]["@odata.nextLink"], prefer="odata.maxpagesize=2").json()
        )
    assert [len(page["value"]) for page in pages] == [2, 2, 1]
    assert "$deltatoken=" in pages[-1]["@odata.deltaLink"]
    item = pages[0]["value"][0]
    assert item["start"] == {"dateTime": "2026-12-01T09:00:00.0000000", "timeZone": "UTC"}
    assert item["type"] == "singleInstance"
    assert {"id", "subject", "isAllDay", "showAs", "isCancelled", "end"} <= item.keys()


def test_delta_needs_the_window_on_the_first_call(graph):
    answer = call(graph, "GET", f"/me/calendars/{graph.calendar_id}/calendarView/delta")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"]


def test_incremental_delta_returns_changes_and_removed_items(graph):
    kept, changed, gone = add_events(graph, 3)
    path = f"/me/calendars/{graph.calendar_id}/calendarView/delta"
    delta_link = call(graph, "GET", path, params=WINDOW).json()["@odata.deltaLink"]
    graph.put_event(
        graph.calendar_id, event_id=changed, start=START, end=START + dt.timedelta(hours=2)
    )
    graph.delete_event(gone)
    round_ = call(graph, "GET", delta_link).json()
    assert {"id": gone, "@removed": {"reason": "deleted"}} in round_["value"]
    assert [item["id"] for item in round_["value"] if "@removed" not in item] == [changed]
    assert kept not in str(round_["value"])
    assert "@odata.deltaLink" in round_


def test_an_unknown_delta_token_is_410_sync_state_not_found(graph):
    path = f"/me/calendars/{graph.calendar_id}/calendarView/delta"
    delta_link = call(graph, "GET", path, params=WINDOW).json()["@odata.deltaLink"]
    graph.expire_delta_tokens()
    answer = call(graph, "GET", delta_link)
    assert answer.status_code == 410
    assert answer.json()["error"]["code"] == "SyncStateNotFound"
    assert answer.json()["error"]["message"]


def test_throttling_is_429_with_retry_after(graph):
    graph.fail_next(429, retry_after=7)
    answer = call(graph, "GET", "/me/calendars")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "7"
    assert answer.json()["error"]["code"] == "TooManyRequests"
    assert call(graph, "GET", "/me/calendars").status_code == 200


def test_outlook_timezone_preference_and_a_weekly_series_across_dst(graph):
    first = dt.datetime(2026, 10, 19, 9, tzinfo=ZoneInfo("Europe/London"))  # BST; GMT from 25th
    graph.put_event(
        graph.calendar_id,
        start=first,
        end=first + dt.timedelta(hours=1),
        time_zone="Europe/London",
        recurrence=weekly(first.date(), count=3, zone="Europe/London"),
    )
    window = {"startDateTime": "2026-10-01T00:00:00Z", "endDateTime": "2026-12-01T00:00:00Z"}
    path = f"/me/calendars/{graph.calendar_id}/calendarView/delta"
    london = call(graph, "GET", path, params=window, prefer='outlook.timezone="Europe/London"')
    assert [i["start"]["dateTime"][11:16] for i in london.json()["value"]] == ["09:00"] * 3
    utc = call(graph, "GET", path, params=window).json()["value"]
    assert [i["start"]["dateTime"][11:16] for i in utc] == ["08:00", "09:00", "09:00"]
    assert {i["type"] for i in utc} == {"occurrence"}
    assert utc[0]["seriesMasterId"]


def test_events_create_read_update_delete(graph):
    body = {
        "subject": "Lunch",
        "body": {"contentType": "text", "content": "Soup"},
        "start": {"dateTime": "2026-12-01T12:00:00", "timeZone": "Europe/Paris"},
        "end": {"dateTime": "2026-12-01T13:00:00", "timeZone": "Europe/Paris"},
        "showAs": "free",
        "location": {"displayName": "Canteen"},
    }
    created = call(graph, "POST", f"/me/calendars/{graph.calendar_id}/events", json=body)
    assert created.status_code == 201
    event_id = created.json()["id"]
    patched = call(graph, "PATCH", f"/me/events/{event_id}", json={"subject": "Late lunch"})
    assert patched.json()["subject"] == "Late lunch"
    read = call(graph, "GET", f"/me/events/{event_id}").json()
    assert read["showAs"] == "free"
    assert read["location"]["displayName"] == "Canteen"
    assert call(graph, "DELETE", f"/me/events/{event_id}").status_code == 204
    missing = call(graph, "DELETE", f"/me/events/{event_id}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "ErrorItemNotFound"


# --- subscriptions ---
def subscription_body(url, minutes=60):
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    return {
        "changeType": "created,updated,deleted",
        "notificationUrl": url,
        "resource": "me/events",
        "expirationDateTime": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "clientState": "secret-client-state",
    }


def test_a_subscription_to_an_endpoint_that_does_not_echo_is_refused(graph):
    with NotificationReceiver(echo=False) as receiver:
        answer = call(graph, "POST", "/subscriptions", json=subscription_body(receiver.url))
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "ValidationError"
    assert graph.subscriptions == {}


def test_the_validation_handshake_then_notifications(graph):
    with NotificationReceiver() as receiver:
        answer = call(graph, "POST", "/subscriptions", json=subscription_body(receiver.url))
        assert answer.status_code == 201
        [validation] = receiver.validations
        assert validation.headers["content-type"].startswith("text/plain")
        assert validation.body == b""
        assert re.match(r"Validation: ", validation.query["validationToken"])
        subscription = answer.json()
        assert subscription["clientState"] == "secret-client-state"
        assert {"id", "resource", "expirationDateTime", "notificationUrl"} <= subscription.keys()

        event_id = add_events(graph, 1)[0]
        assert graph.notify(graph.calendar_id, event_id=event_id) == [202]
        [notification] = receiver.notifications[0]["value"]
    assert notification["subscriptionId"] == subscription["id"]
    assert notification["clientState"] == "secret-client-state"
    assert notification["changeType"] == "updated"
    assert notification["resourceData"]["@odata.type"] == "#Microsoft.Graph.Event"
    assert notification["resourceData"]["id"] == event_id
    assert {"subscriptionExpirationDateTime", "resource", "tenantId"} <= notification.keys()


def test_subscriptions_expire_within_4230_minutes_and_can_be_renewed_and_deleted(graph):
    with NotificationReceiver() as receiver:
        too_long = call(graph, "POST", "/subscriptions", json=subscription_body(receiver.url, 4300))
        assert too_long.status_code == 400
        subscription = call(graph, "POST", "/subscriptions", json=subscription_body(receiver.url))
    path = f"/subscriptions/{subscription.json()['id']}"
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    renewed = call(graph, "PATCH", path, json={"expirationDateTime": later})
    assert renewed.json()["expirationDateTime"] == later
    assert call(graph, "DELETE", path).status_code == 204
    assert call(graph, "DELETE", path).status_code == 404


def test_auto_notify_posts_a_notification_on_each_change(graph):
    graph.auto_notify = True
    with NotificationReceiver() as receiver:
        body = subscription_body(receiver.url) | {
            "resource": f"me/calendars/{graph.calendar_id}/events"
        }
        assert call(graph, "POST", "/subscriptions", json=body).status_code == 201
        event_id = add_events(graph, 1)[0]
        deadline = time.monotonic() + 5
        while not receiver.notifications and time.monotonic() < deadline:
            time.sleep(0.02)
    [notification] = receiver.notifications[0]["value"]
    assert notification["changeType"] == "created"
    assert notification["resourceData"]["id"] == event_id


def test_a_read_only_calendar_refuses_writes(graph):
    readonly = graph.add_calendar(EMAIL, "Holidays", can_edit=False)
    body = {
        "subject": "x",
        "start": {"dateTime": "2026-12-01T12:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2026-12-01T13:00:00", "timeZone": "UTC"},
    }
    answer = call(graph, "POST", f"/me/calendars/{readonly}/events", json=body)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "ErrorAccessDenied"


def test_an_expired_access_token_is_401_and_the_refresh_token_still_works(graph):
    tokens = graph.grant(EMAIL)
    graph.expire_access_tokens(EMAIL)
    assert call(graph, "GET", "/me", token=tokens["access_token"]).status_code == 401
    refreshed = requests.post(
        graph.token_url,
        data={
            "client_id": graph.client_id,
            "client_secret": graph.client_secret,
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
        },
        timeout=10,
    ).json()
    assert call(graph, "GET", "/me", token=refreshed["access_token"]).status_code == 200
