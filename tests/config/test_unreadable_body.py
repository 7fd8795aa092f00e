"""A body that stops arriving (gunicorn's client timeout, a client gone mid-body) is a 408."""

import logging

import pytest
from django.http import HttpResponse

from config.unreadable_body import UnreadableBodyMiddleware


class StalledBody:
    """wsgi.input of a client that stopped sending: reading fails as gunicorn's timeout does."""

    def read(self, *args):
        raise TimeoutError("timed out")

    readline = read


@pytest.mark.parametrize("path", ["/v1/calendars", "/oauth/token"])
def test_a_stalled_body_is_a_request_timeout_not_a_server_error(api, caplog, path):
    caplog.set_level(logging.WARNING, logger="django.request")

    response = api.generic(
        "POST",
        path,
        b'{"name": "x"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
        **{"wsgi.input": StalledBody()},
    )

    assert response.status_code == 408
    assert [record.levelname for record in caplog.records] == ["WARNING"]


def test_other_exceptions_are_left_to_django(rf):
    middleware = UnreadableBodyMiddleware(lambda request: HttpResponse())

    assert middleware.process_exception(rf.post("/v1/calendars"), ValueError("boom")) is None
