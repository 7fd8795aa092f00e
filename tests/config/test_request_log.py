"""One structured log line per request, with a request id, and no credentials in it."""

import json
import logging

import pytest
from django.test import Client, override_settings

from config.request_log import JsonFormatter, RequestIdFilter, logged_path, request_id_from
from tests.config.settings_probe import settings_under

pytestmark = pytest.mark.django_db

TOKEN = "tok-SECRET-123"


def access_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "access"]


def test_one_line_per_request_with_its_fields(caplog, api):
    caplog.set_level(logging.INFO, logger="access")

    response = api.call("GET", "/v1/calendars", HTTP_USER_AGENT="curl/8.5")

    (record,) = access_records(caplog)
    assert record.method == "GET"
    assert record.path == "/v1/calendars"
    assert record.status == 200
    assert record.duration_ms >= 0
    assert record.client_ip == "127.0.0.1"
    assert record.user_agent == "curl/8.5"
    assert record.request_id == response["X-Request-ID"]
    assert len(record.request_id) == 32


def test_a_sane_request_id_from_the_proxy_is_kept(caplog):
    caplog.set_level(logging.INFO, logger="access")

    response = Client().get("/", headers={"X-Request-ID": "nginx-7f3a:01.b_c"})

    assert response["X-Request-ID"] == "nginx-7f3a:01.b_c"
    assert access_records(caplog)[0].request_id == "nginx-7f3a:01.b_c"


@pytest.mark.parametrize(
    "sent", ["", "x" * 129, "has space", "semi;colon", "new\nline", "ünï", "a/b"]
)
def test_an_insane_request_id_is_replaced(sent):
    kept = request_id_from(sent)

    assert kept != sent
    assert len(kept) == 32


def test_credentials_never_reach_the_log(caplog, api):
    caplog.set_level(logging.DEBUG)
    api.call(
        "POST",
        f"/v1/calendars?et={TOKEN}&token={TOKEN}&access_token={TOKEN}&tzid=Europe/London",
        body={"profile_id": "pro_x", "name": TOKEN},
    )

    (record,) = access_records(caplog)
    assert record.path == (
        "/v1/calendars?et=[redacted]&token=[redacted]&access_token=[redacted]&tzid=Europe%2FLondon"
    )
    text = logging.Formatter("%(name)s %(message)s")
    everything = "\n".join(
        formatter.format(record)
        for record in caplog.records
        for formatter in (JsonFormatter(), text)
    )
    assert TOKEN not in everything
    assert api.token not in everything


@pytest.mark.parametrize(
    ("query", "logged"),
    [
        ("client_secret=s&code=c&refresh_token=r", "client_secret=[redacted]&code=[redacted]"),
        ("API_KEY=k&password=p", "API_KEY=[redacted]&password=[redacted]"),
        ("from=2025-01-01&tzid=UTC", "from=2025-01-01&tzid=UTC"),
    ],
)
def test_token_bearing_parameters_are_redacted(rf, query, logged):
    assert logged_path(rf.get(f"/v1/events?{query}")).startswith(f"/v1/events?{logged}")


def test_a_crafted_path_cannot_break_the_line(rf):
    assert logged_path(rf.get("/a%0Ab%22c")) == "/a%0Ab%22c"


@override_settings(BEHIND_PROXY=True)
def test_behind_a_proxy_the_client_is_the_last_forwarded_address(caplog):
    caplog.set_level(logging.INFO, logger="access")

    Client().get("/", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9"})

    assert access_records(caplog)[0].client_ip == "203.0.113.9"


def test_without_a_proxy_forwarded_for_is_ignored(caplog):
    caplog.set_level(logging.INFO, logger="access")

    Client().get("/", headers={"X-Forwarded-For": "6.6.6.6"})

    assert access_records(caplog)[0].client_ip == "127.0.0.1"


def test_redirects_and_errors_are_logged_with_their_status(caplog, anon_api):
    caplog.set_level(logging.INFO, logger="access")

    Client().get("/oauth/authorize")
    anon_api.call("GET", "/v1/calendars")

    assert [record.status for record in access_records(caplog)] == [400, 401]


def test_other_records_during_a_request_carry_its_id(caplog, anon_api):
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestIdFilter())

    response = anon_api.call("GET", "/v1/no-such-thing")

    warnings = [record for record in caplog.records if record.name == "django.request"]
    assert warnings
    assert {record.request_id for record in warnings} == {response["X-Request-ID"]}


def test_json_lines_hold_the_extra_fields():
    record = logging.makeLogRecord(
        {"name": "access", "levelname": "INFO", "msg": "GET / 200", "status": 200}
    )
    RequestIdFilter().filter(record)

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "GET / 200"
    assert line["status"] == 200
    assert line["request_id"] == "-"
    assert line["time"].endswith("+00:00")


@pytest.mark.parametrize(
    ("env", "log_format"),
    [({}, "json"), ({"DEBUG": "true"}, "text"), ({"LOG_FORMAT": "text"}, "text")],
)
def test_log_format_follows_the_environment(env, log_format):
    found = settings_under(env, "LOG_FORMAT", "LOGGING", drop=("LOG_",))

    assert found["LOG_FORMAT"] == log_format
    assert found["LOGGING"]["handlers"]["console"]["formatter"] == log_format


def test_text_lines_name_the_request_id(settings):
    record = logging.makeLogRecord({"name": "access", "levelname": "INFO", "msg": "GET / 200"})
    RequestIdFilter().filter(record)
    text = logging.Formatter(settings.LOGGING["formatters"]["text"]["format"])

    assert text.format(record).endswith("INFO access [-] GET / 200")
