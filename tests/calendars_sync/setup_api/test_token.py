import base64
import datetime as dt
from urllib.parse import urlencode

import pytest

from calendars_sync.models import SetupToken
from scheduling import credentials
from tests.api_client import JsonClient
from tests.clock import FROZEN_NOW

pytestmark = pytest.mark.django_db


FORM = "application/x-www-form-urlencoded"


def token_request(client: JsonClient, **form):
    """Form-encoded, as OnSched's SDKs send it."""
    return client.post("/connect/token", data=urlencode(form), content_type=FORM)


def test_client_credentials_give_a_one_hour_bearer_token(app_creds):
    response = token_request(
        JsonClient(),
        grant_type="client_credentials",
        client_id=app_creds.application.client_id,
        client_secret=app_creds.client_secret,
        scope="OnSchedApi",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 3600, "OnSchedApi")
    assert response["Cache-Control"] == "no-store"
    (stored,) = SetupToken.objects.all()
    assert stored.token_hash == credentials.hash_token(body["access_token"])
    assert body["access_token"] not in stored.token_hash
    assert dt.timedelta(minutes=59) < stored.expires_at - FROZEN_NOW < dt.timedelta(minutes=61)


def test_the_token_opens_the_setup_api(app_creds):
    body = token_request(
        JsonClient(),
        grant_type="client_credentials",
        client_id=app_creds.application.client_id,
        client_secret=app_creds.client_secret,
    ).json()
    response = JsonClient(body["access_token"]).call("GET", "/setup/v1/resources")
    assert response.status_code == 200


def test_http_basic_client_credentials_are_accepted(app_creds):
    pair = f"{app_creds.application.client_id}:{app_creds.client_secret}".encode()
    response = JsonClient().post(
        "/connect/token",
        data="grant_type=client_credentials",
        content_type=FORM,
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(pair).decode(),
    )
    assert response.status_code == 200


@pytest.mark.parametrize("secret_ok", [True, False])
def test_a_wrong_secret_is_invalid_client(app_creds, secret_ok):
    response = token_request(
        JsonClient(),
        grant_type="client_credentials",
        client_id=app_creds.application.client_id,
        client_secret=app_creds.client_secret if secret_ok else "wrong",
    )
    if secret_ok:
        assert response.status_code == 200
    else:
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert not SetupToken.objects.exists()


def test_other_grant_types_are_unsupported(app_creds):
    response = token_request(
        JsonClient(),
        grant_type="password",
        client_id=app_creds.application.client_id,
        client_secret=app_creds.client_secret,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_an_unknown_scope_is_refused(app_creds):
    response = token_request(
        JsonClient(),
        grant_type="client_credentials",
        client_id=app_creds.application.client_id,
        client_secret=app_creds.client_secret,
        scope="distance admin",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_failed_client_authentications_are_rate_limited(app_creds, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"client_id_ip": (2, 60)}
    client = JsonClient()
    form = {"grant_type": "client_credentials", "client_id": app_creds.application.client_id}
    statuses = [token_request(client, **form, client_secret="wrong").status_code for _ in range(2)]
    locked = token_request(client, **form, client_secret=app_creds.client_secret)
    assert statuses == [401, 401]
    assert locked.status_code == 429
    assert locked.json()["error"] == "rate_limited"
    assert int(locked["Retry-After"]) > 0
