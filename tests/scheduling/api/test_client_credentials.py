"""ClientCredentialsAuthentication: client_id + client_secret in the body, or HTTP Basic.

One class for /oauth/token, /oauth/token/revoke and /v1/application_calendars, where it ignores
the `Authorization: Bearer ...` pycronofy sends on those calls; making a real-time scheduling link
takes it after the API key (bookings/api/views.py).
"""

import base64

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from scheduling.api.authentication import (
    ClientCredentialsAuthentication,
    IsAuthenticatedApplication,
)
from scheduling.models import Grant
from tests.conftest import JsonClient
from tests.factories import make_tokens

pytestmark = pytest.mark.django_db


class WhoCalls(APIView):
    authentication_classes = [ClientCredentialsAuthentication]
    permission_classes = [IsAuthenticatedApplication]

    def post(self, request):
        return Response({"client_id": request.user.application.client_id})


def call(body, **headers):
    request = APIRequestFactory().post("/", body, format="json", **headers)
    return WhoCalls.as_view()(request)


def basic(client_id: str, client_secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def credentials(app_creds) -> dict:
    return {"client_id": app_creds.application.client_id, "client_secret": app_creds.client_secret}


def test_body_credentials_name_the_application(app_creds):
    response = call(credentials(app_creds))
    assert response.status_code == 200
    assert response.data == {"client_id": app_creds.application.client_id}


def test_http_basic_is_used_when_the_body_carries_neither(app_creds):
    header = basic(app_creds.application.client_id, app_creds.client_secret)
    assert call({}, HTTP_AUTHORIZATION=header).status_code == 200


def test_body_credentials_win_over_http_basic(app_creds):
    response = call(credentials(app_creds), HTTP_AUTHORIZATION=basic("nobody", "wrong"))
    assert response.status_code == 200


@pytest.mark.parametrize("header", ["Bearer None", "Bearer {secret}"])
def test_a_bearer_header_authenticates_nothing(app_creds, header):
    response = call({}, HTTP_AUTHORIZATION=header.format(secret=app_creds.client_secret))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")  # the view's /v1 dialect


def test_a_body_that_is_not_an_object_is_refused_as_input_not_as_credentials(app_creds):
    response = call([1, 2])
    assert response.status_code == 422
    assert response.data["errors"]["base"][0]["key"] == "errors.invalid_json"


def test_revoke_accepts_http_basic(app_creds, account):
    tokens = make_tokens(app_creds.application, account)
    response = JsonClient().call(
        "POST",
        "/oauth/token/revoke",
        {"token": tokens.access_token},
        HTTP_AUTHORIZATION=basic(app_creds.application.client_id, app_creds.client_secret),
    )
    assert response.status_code == 200
    assert Grant.objects.get().revoked_at is not None


def test_application_calendars_accept_http_basic(app_creds):
    response = JsonClient().call(
        "POST",
        "/v1/application_calendars",
        {"application_calendar_id": "room-42"},
        HTTP_AUTHORIZATION=basic(app_creds.application.client_id, app_creds.client_secret),
    )
    assert response.status_code == 200
    assert response.json()["application_calendar_id"] == "room-42"


def test_the_schema_describes_client_credentials_on_the_operations_that_take_them():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["securitySchemes"]["clientCredentials"]["scheme"] == "basic"
    secured = {
        path
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        if {"clientCredentials": []} in operation.get("security", [])
    }
    assert secured == {
        "/connect/token",  # OnSched's client-credentials token URL (calendars_sync/setup_api)
        "/oauth/token",
        "/oauth/token/revoke",
        "/v1/application_calendars",
        "/v1/real_time_scheduling",  # POST (seed 002); its GET takes the API key only
        "/v1/real_time_sequencing",
    }
