import base64

import pytest

from tests.api_client import JsonClient

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
