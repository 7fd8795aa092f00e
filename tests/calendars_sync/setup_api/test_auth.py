import datetime as dt

import pytest

from calendars_sync.services.setup_tokens import setup_token_issue
from tests.calendars_sync.setup_api.conftest import ROOM, SetupClient
from tests.factories import make_application

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_no_or_unknown_token_is_a_401_in_onscheds_shape(token):
    response = SetupClient(token).setup("GET", "resources")
    assert response.status_code == 401
    assert set(response.json()) == {"error"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_a_401(app_creds, clock):
    client = SetupClient(setup_token_issue(application=app_creds.application).access_token)
    assert client.setup("GET", "resources").status_code == 200
    clock.shift(dt.timedelta(hours=1, seconds=1))
    assert client.setup("GET", "resources").status_code == 401


def test_another_applications_resource_is_not_found(setup_api):
    created = setup_api.setup("POST", "resources", ROOM).json()
    other = make_application("Other")
    stranger = SetupClient(setup_token_issue(application=other.application).access_token)

    for method, path in [
        ("GET", f"resources/{created['id']}"),
        ("PUT", f"resources/{created['id']}"),
        ("DELETE", f"resources/{created['id']}"),
        ("GET", f"resources/{created['id']}/calendar/auth/google/a@gmail.test"),
    ]:
        response = stranger.setup(method, path, {} if method == "PUT" else None)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"error": "Resource not found."}
    assert stranger.setup("GET", "resources").json()["total"] == 0


def test_an_unknown_setup_path_is_a_404_in_onscheds_shape(setup_api):
    response = setup_api.setup("GET", "nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}


def test_failed_tokens_are_rate_limited(settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"api_ip": (2, 60)}
    client = SetupClient("wrong")
    assert [client.setup("GET", "resources").status_code for _ in range(2)] == [401, 401]
    response = client.setup("GET", "resources")
    assert response.status_code == 429
    assert "error" in response.json()
    assert int(response["Retry-After"]) > 0
