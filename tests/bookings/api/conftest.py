import pytest

from tests.api_client import JsonClient
from tests.factories import make_account

# The OpenAPI schema as `manage.py spectacular --validate --fail-on-warn` writes it (module-scoped).
from tests.scheduling.api.conftest import schema  # noqa: F401


@pytest.fixture
def key_api(app_creds) -> JsonClient:
    """A JSON client authenticated with the application's API key."""
    return JsonClient(app_creds.client_secret)


@pytest.fixture
def people(app_creds):
    """Two of the application's own calendars (no grant needed to book them)."""
    return [make_account(app_creds.application, name=name) for name in ("Ada", "Grace")]
