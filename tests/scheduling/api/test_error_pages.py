"""Requests no API view answered (bad Host, unknown paths, crashes) get JSON on API paths."""

import json

import pytest
from django.test import RequestFactory

from scheduling.api.error_pages import bad_request, page_not_found, server_error

pytestmark = pytest.mark.django_db


def test_a_bad_host_on_v1_is_a_json_400(client):
    response = client.get("/v1/calendars", HTTP_HOST="bad host")
    assert response.status_code == 400
    assert response.json()["errors"]["base"][0]["key"] == "errors.bad_request"


def test_a_bad_host_elsewhere_keeps_django_page(client):
    response = client.get("/", HTTP_HOST="bad host")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/v1/x",
            {
                "errors": {
                    "base": [
                        {"key": "errors.server_error", "description": "A server error occurred."}
                    ]
                }
            },
        ),
        (
            "/oauth/token",
            {"error": "server_error", "error_description": "A server error occurred."},
        ),
        ("/v2/x", {"error": "A server error occurred."}),
    ],
)
def test_a_server_error_speaks_the_dialect_of_its_path(path, body):
    response = server_error(RequestFactory().get(path))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == body


def test_a_server_error_elsewhere_keeps_django_page():
    response = server_error(RequestFactory().get("/accounts/login/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_the_consent_page_keeps_django_pages_while_the_token_endpoint_gets_json():
    page = page_not_found(RequestFactory().get("/oauth/authorize/x"), None)
    assert page["Content-Type"].startswith("text/html")
    token = bad_request(RequestFactory().get("/oauth/token"), None)
    assert json.loads(token.content) == {
        "error": "invalid_request",
        "error_description": "Bad request.",
    }
