import json

import pycronofy
import pytest
from django.test import Client

from tests.factories import make_account, make_application, make_tokens


class JsonClient(Client):
    """Django's test client speaking JSON, with an optional bearer token."""

    def __init__(self, token: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.token = token

    def call(self, method: str, path: str, body=None, token: str | None = None, **extra):
        token = token if token is not None else self.token
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        data = json.dumps(body) if body is not None and not isinstance(body, str | bytes) else body
        return getattr(self, method.lower())(
            path, data=data, content_type="application/json", **extra
        )


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
