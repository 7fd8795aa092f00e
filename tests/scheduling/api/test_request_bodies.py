"""Request bodies over API_MAX_BODY_BYTES are refused before parsing, and change nothing."""

import io

import pytest
from rest_framework.exceptions import ParseError

from scheduling.api.parsers import LimitedJSONParser
from scheduling.models import Event
from tests.api_helpers import at, z
from tests.factories import primary_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.API_MAX_BODY_BYTES = 300


def test_an_oversized_body_is_a_422_and_writes_nothing(api, account):
    calendar = primary_calendar(account)
    body = {
        "event_id": "big",
        "summary": "x" * 400,
        "start": z(at(9)),
        "end": z(at(10)),
    }
    response = api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)
    assert response.status_code == 422
    (error,) = response.json()["errors"]["base"]
    assert error["key"] == "errors.too_large"
    assert "300 bytes" in error["description"]
    assert not Event.objects.exists()


def test_a_body_at_the_limit_is_accepted(api, account):
    calendar = primary_calendar(account)
    body = {
        "event_id": "small",
        "summary": "s",
        "start": z(at(9)),
        "end": z(at(10)),
    }
    response = api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)
    assert response.status_code == 202
    assert Event.objects.count() == 1


def test_an_oversized_oauth_body_is_an_rfc6749_error(anon_api):
    response = anon_api.post(
        "/oauth/token",
        data="grant_type=refresh_token&refresh_token=" + "r" * 400,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_body_without_a_declared_length_is_cut_at_the_limit():
    stream = io.BytesIO(b'{"summary": "' + b"x" * 400 + b'"}')
    with pytest.raises(ParseError) as raised:
        LimitedJSONParser().parse(stream, parser_context={})
    assert raised.value.detail.code == "too_large"
