"""POST/GET /v1/channels and DELETE /v1/channels/{id}: shapes, errors, tenancy, verification."""

import json

import pytest

from scheduling.models import Channel, OutgoingCallback
from scheduling.services.channels import MAX_OPEN_CHANNELS
from tests.api_client import JsonClient
from tests.factories import make_account, make_application, make_tokens, primary_calendar

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hooks/cronofy?user=42"


def channels():
    return list(Channel.objects.order_by("pk").values())


def notifications():
    return [json.loads(bytes(row.body)) for row in OutgoingCallback.objects.order_by("pk")]


def test_create_answers_the_channel_and_queues_a_verification(api, account):
    response = api.call("POST", "/v1/channels", {"callback_url": URL})

    assert response.status_code == 200
    channel = response.json()["channel"]
    assert channel["channel_id"].startswith("chn_")
    assert channel == {"channel_id": channel["channel_id"], "callback_url": URL, "filters": {}}
    assert notifications() == [{"notification": {"type": "verification"}, "channel": channel}]
    row = OutgoingCallback.objects.get()
    assert (row.url, row.kind) == (URL, OutgoingCallback.Kind.CHANNEL_NOTIFICATION)
    assert row.application == account.application


def test_create_shows_the_filters_given(api, account):
    calendar_id = primary_calendar(account).calendar_id
    body = {"callback_url": URL, "filters": {"calendar_ids": [calendar_id], "only_managed": True}}

    response = api.call("POST", "/v1/channels", body)

    assert response.status_code == 200
    assert response.json()["channel"]["filters"] == {
        "calendar_ids": [calendar_id],
        "only_managed": True,
    }


def test_an_identical_channel_is_the_existing_one_and_verifies_nothing_more(api):
    first = api.call("POST", "/v1/channels", {"callback_url": URL}).json()["channel"]
    again = api.call("POST", "/v1/channels", {"callback_url": URL, "filters": {}})
    other = api.call("POST", "/v1/channels", {"callback_url": URL + "&x=1"})

    assert again.json()["channel"] == first
    assert other.json()["channel"]["channel_id"] != first["channel_id"]
    assert Channel.objects.count() == 2
    assert OutgoingCallback.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field", "key"),
    [
        ({}, "callback_url", "errors.required"),
        ({"callback_url": "ftp://127.0.0.1/x"}, "callback_url", "errors.invalid"),
        ({"callback_url": "not a url"}, "callback_url", "errors.invalid"),
        ({"callback_url": "http://10.1.2.3/hook"}, "callback_url", "errors.invalid"),
        ({"callback_url": "http://169.254.169.254/latest"}, "callback_url", "errors.invalid"),
        ({"callback_url": "http://" + "a" * 2000 + ".test/"}, "callback_url", "errors.too_long"),
        ({"callback_url": URL, "filters": {"calendar_ids": []}}, "filters.calendar_ids", None),
        ({"callback_url": URL, "filters": {"only_managed": "maybe"}}, "filters.only_managed", None),
        ({"callback_url": URL, "filters": {"calendar_ids": ["cal_nope"]}}, "calendar_ids", None),
    ],
)
def test_bad_channel_requests_are_422_and_create_nothing(api, no_connections, body, field, key):
    response = api.call("POST", "/v1/channels", body)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert field in errors
    if key:
        assert errors[field][0]["key"] == key
    assert channels() == []
    assert OutgoingCallback.objects.count() == 0
    assert no_connections == []


def test_another_accounts_calendar_is_refused_like_a_missing_one(api, app_creds):
    foreign = primary_calendar(make_account(app_creds.application)).calendar_id
    body = {"callback_url": URL, "filters": {"calendar_ids": [foreign]}}

    response = api.call("POST", "/v1/channels", body)

    assert response.status_code == 422
    assert foreign in response.json()["errors"]["calendar_ids"][0]["description"]
    assert channels() == []


def test_an_account_has_at_most_the_documented_number_of_open_channels(api, monkeypatch):
    monkeypatch.setattr("scheduling.services.channels.MAX_OPEN_CHANNELS", 2)
    for n in range(2):
        assert api.call("POST", "/v1/channels", {"callback_url": f"{URL}&n={n}"}).status_code == 200

    response = api.call("POST", "/v1/channels", {"callback_url": f"{URL}&n=9"})

    assert response.status_code == 422
    assert response.json()["errors"]["base"][0]["key"] == "errors.too_many_channels"
    assert Channel.objects.count() == 2
    assert MAX_OPEN_CHANNELS == 128


def test_list_shows_the_callers_open_channels_only(api, app_creds, account):
    mine = api.call("POST", "/v1/channels", {"callback_url": URL}).json()["channel"]
    closed = api.call("POST", "/v1/channels", {"callback_url": URL + "&c"}).json()["channel"]
    api.call("DELETE", f"/v1/channels/{closed['channel_id']}")
    other_app = make_application()
    other_account = make_account(app_creds.application)
    for application, owner in [
        (other_app.application, account),
        (app_creds.application, other_account),
    ]:
        other = JsonClient(make_tokens(application, owner).access_token)
        assert other.call("POST", "/v1/channels", {"callback_url": URL}).status_code == 200

    response = api.call("GET", "/v1/channels")

    assert response.status_code == 200
    assert response.json() == {"channels": [mine]}


def test_close_is_202_then_404_and_foreign_channels_are_404(api, app_creds):
    channel_id = api.call("POST", "/v1/channels", {"callback_url": URL}).json()["channel"][
        "channel_id"
    ]
    stranger = JsonClient(
        make_tokens(app_creds.application, make_account(app_creds.application)).access_token
    )

    assert stranger.call("DELETE", f"/v1/channels/{channel_id}").status_code == 404
    assert api.call("DELETE", f"/v1/channels/{channel_id}").status_code == 202
    assert api.call("DELETE", f"/v1/channels/{channel_id}").status_code == 404
    assert Channel.objects.get().closed_at is not None


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/channels"), ("POST", "/v1/channels"), ("DELETE", "/v1/channels/chn_x")],
)
def test_channels_need_the_read_events_scope_and_an_account(app_creds, account, method, path):
    narrow = JsonClient(
        make_tokens(app_creds.application, account, scope="read_account").access_token
    )
    api_key = JsonClient(app_creds.client_secret)

    body = None if method == "GET" else {"callback_url": URL}

    assert narrow.call(method, path, body).status_code == 403
    assert api_key.call(method, path, body).status_code == 401
    assert channels() == []
