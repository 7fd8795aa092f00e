import pycronofy
import pytest

from tests.api_client import JsonClient
from tests.factories import make_account, make_application, make_tokens

pytest_plugins = ["tests.clock", "tests.browser_fixtures", "tests.network_fixtures"]


@pytest.fixture
def app_creds(db):
    """A registered application: .application and its raw .client_secret."""
    return make_application("Acme Scheduling")


@pytest.fixture
def account(app_creds):
    return make_account(app_creds.application, name="Room A")


@pytest.fixture
def tokens(app_creds, account):
    return make_tokens(app_creds.application, account)


@pytest.fixture
def api(tokens):
    """A JSON client authenticated with `account`'s access token."""
    return JsonClient(tokens.access_token)


@pytest.fixture
def anon_api(db):
    return JsonClient()


@pytest.fixture
def cronofy(live_server):
    """Build a real pycronofy client pointed at the live server (per instance, no global state)."""

    def build(**credentials) -> pycronofy.Client:
        client = pycronofy.Client(**credentials)
        client.request_handler.base_url = live_server.url
        client.app_base_url = live_server.url
        return client

    return build


def pytest_collection_modifyitems(config, items):
    """Timing tests measure CPU time, which an xdist worker inflates several times over for the
    heaviest requests (not so in a plain process or under gunicorn): they run only in a process of
    their own (scripts/test runs them after the parallel run)."""
    if not hasattr(config, "workerinput"):
        return
    skip = pytest.mark.skip(reason="timing tests run outside xdist (scripts/test)")
    for item in items:
        if item.get_closest_marker("timing"):
            item.add_marker(skip)
