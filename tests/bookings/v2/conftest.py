import base64

import pytest

from bookings.services.widget_keys import widget_key_create
from scheduling.models import Account
from tests.api_client import JsonClient
from tests.factories import make_account

# The OpenAPI schema as `manage.py spectacular --validate --fail-on-warn` writes it (module-scoped).
from tests.scheduling.api.conftest import schema  # noqa: F401


def basic(key: str, user: str = "") -> str:
    return "Basic " + base64.b64encode(f"{user}:{key}".encode()).decode()


class V2Client(JsonClient):
    """JSON to /v2 with Timekit's `Authorization: Basic base64(":" + key)`."""

    def __init__(self, key: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.key = key

    def v2(self, method: str, path: str, body=None, **extra):
        if self.key is not None:
            extra.setdefault("HTTP_AUTHORIZATION", basic(self.key))
        return self.call(method, path, body, **extra)


@pytest.fixture
def v2(app_creds) -> V2Client:
    return V2Client(app_creds.client_secret)


@pytest.fixture
def anon_v2() -> V2Client:
    return V2Client()


# booking.js's calls: its headers, a widget key, and a project made through the API.
WIDGET_HEADERS = {
    "HTTP_ORIGIN": "https://shop.example",
    "HTTP_TIMEKIT_CONTEXT": "widget",
    "HTTP_TIMEKIT_TIMEZONE": "Europe/Paris",
}
SETTINGS = {
    "availability": {"mode": "roundrobin_random", "length": "30 minutes", "to": "4 weeks"},
    "booking": {"graph": "instant"},
    "customer_fields": {"phone": {"title": "Phone", "required": True}},
    "ui": {"display_name": "Doc Brown"},
}


@pytest.fixture
def widget(app_creds) -> V2Client:
    return V2Client(widget_key_create(application=app_creds.application).key)


@pytest.fixture
def project(v2, app_creds) -> dict:
    room = make_account(app_creds.application, kind=Account.Kind.RESOURCE)
    body = {"name": "Flux", "slug": "flux", "resources": [room.sub], **SETTINGS}
    return v2.v2("POST", "/v2/projects", body).json()["data"]
