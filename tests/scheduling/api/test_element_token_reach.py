"""Where and when an element token counts: only on the endpoints the Elements call, only as `?et=`,
only while it lives and its subs stay the application's, only from its origin."""

import datetime as dt

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from scheduling.api.authentication import ElementTokenAuthentication, IsAuthenticatedAccount
from scheduling.models import Application, Event
from scheduling.services.tokens import grant_revoke
from tests.api_client import JsonClient
from tests.api_helpers import period
from tests.factories import (
    ELEMENT_ORIGIN,
    make_element_token,
    make_tokens,
    make_user_account,
    primary_calendar,
)
from tests.scheduling.api.element_calls import availability, call, key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/account"),
        ("GET", "/v1/calendars"),
        ("GET", "/v1/profiles"),
        ("GET", "/v1/free_busy?tzid=Etc/UTC"),
        ("GET", "/v1/available_periods"),
        ("GET", "/v1/channels"),
        ("POST", "/v1/channels"),
        ("POST", "/v1/calendars"),
    ],
)
def test_endpoints_the_elements_do_not_call_refuse_element_tokens(app_creds, account, method, path):
    et = make_element_token(app_creds.application, account)
    response = call(method, path, et, {} if method == "POST" else None)
    assert response.status_code == 401


def test_an_event_write_refuses_element_tokens(app_creds, account):
    et = make_element_token(app_creds.application, account)
    calendar_id = primary_calendar(account).calendar_id
    event = {"event_id": "e", "summary": "s", **period(9, 10)}
    response = call("POST", f"/v1/calendars/{calendar_id}/events", et, event)
    assert response.status_code == 401
    assert not Event.objects.exists()


def test_the_token_as_a_bearer_header_is_refused(app_creds, account):
    et = make_element_token(app_creds.application, account)
    response = JsonClient(et).call("GET", "/v1/userinfo")
    assert response.status_code == 401


def test_an_expired_token_is_401(app_creds, account, clock):
    et = make_element_token(app_creds.application, account)
    assert call("GET", "/v1/userinfo", et).status_code == 200
    clock.shift(dt.timedelta(hours=18, seconds=1))
    response = call("GET", "/v1/userinfo", et)
    assert response.status_code == 401
    assert key(response) == "errors.unauthorized"


@pytest.mark.parametrize("et", ["", "not-a-token"])
def test_an_unknown_token_is_401(app_creds, account, et):
    make_element_token(app_creds.application, account)
    response = call("GET", "/v1/userinfo", et)
    assert response.status_code == 401
    assert key(response) == "errors.unauthorized"


def test_a_token_with_a_nul_is_a_422_on_et(app_creds, account):
    response = call("GET", "/v1/userinfo", "%00")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["et"]


def test_a_deactivated_application_ends_its_tokens(app_creds, account):
    et = make_element_token(app_creds.application, account)
    Application.objects.update(is_active=False)
    assert call("GET", "/v1/userinfo", et).status_code == 401


def test_a_revoked_grant_ends_tokens_for_that_person(app_creds, account):
    person = make_user_account()
    tokens = make_tokens(app_creds.application, person)
    et = make_element_token(app_creds.application, account, person, permissions=["availability"])
    assert call("POST", "/v1/availability", et, availability(account)).status_code == 200
    grant_revoke(grant=tokens.grant)
    assert call("POST", "/v1/availability", et, availability(account)).status_code == 401


def test_a_request_from_another_origin_is_403(app_creds, account):
    et = make_element_token(app_creds.application, account)
    assert call("GET", "/v1/userinfo", et, HTTP_ORIGIN=ELEMENT_ORIGIN).status_code == 200
    response = call("GET", "/v1/userinfo", et, HTTP_ORIGIN="http://127.0.0.1:10")
    assert response.status_code == 403
    assert key(response) == "errors.origin_not_allowed"


def test_failed_element_tokens_are_rate_limited(app_creds, account, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": (3, 60)}
    et = make_element_token(app_creds.application, account)
    for _ in range(3):
        assert call("GET", "/v1/userinfo", "not-a-token").status_code == 401
    assert call("GET", "/v1/userinfo", et).status_code == 429


class _CarelessView(APIView):
    """Takes element tokens but forgot ElementTokenPermission: the usual checks refuse them."""

    authentication_classes = [ElementTokenAuthentication]
    permission_classes = [IsAuthenticatedAccount]

    def get(self, request):
        return Response({"reached": True})


def test_a_view_without_element_token_permission_refuses_element_tokens(app_creds, account):
    et = make_element_token(app_creds.application, account)
    request = APIRequestFactory().get(f"/careless?et={et}")
    response = _CarelessView.as_view()(request)
    assert response.status_code == 403
    assert "element token" in response.data["errors"]["base"][0]["description"]
