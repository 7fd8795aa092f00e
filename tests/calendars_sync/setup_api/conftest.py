import pytest

from calendars_sync.services.setup_tokens import setup_token_issue
from tests.api_client import JsonClient

# The OpenAPI schema as `manage.py spectacular --validate --fail-on-warn` writes it (module-scoped).
from tests.scheduling.api.conftest import schema  # noqa: F401


class SetupClient(JsonClient):
    """JSON to /setup/v1 with `Authorization: Bearer <token from /connect/token>`."""

    def setup(self, method: str, path: str, body=None, **extra):
        return self.call(method, f"/setup/v1/{path}", body, **extra)


@pytest.fixture
def setup_api(app_creds) -> SetupClient:
    return SetupClient(setup_token_issue(application=app_creds.application).access_token)


@pytest.fixture
def google_settings(settings):
    """Our Google client at a provider that is never called in these tests."""
    settings.GOOGLE_CLIENT_ID = "google-client"
    settings.GOOGLE_OAUTH_AUTHORIZE_URL = "https://accounts.google.test/o/oauth2/v2/auth"
    settings.MICROSOFT_CLIENT_ID = "microsoft-client"
    settings.MICROSOFT_OAUTH_AUTHORIZE_URL = "https://login.microsoft.test/authorize"
    return settings


ROOM = {"name": "Room 1", "email": "room1@example.com"}
