"""Every server-rendered page carries the Content-Security-Policy (config/settings.py)."""

import re

import pytest
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def signed_in() -> Client:
    """The API docs need a signed-in user (scheduling/api/docs.py)."""
    client = Client()
    client.force_login(make_user())
    return client


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/admin/login/", "/api/docs/"]
)
def test_pages_carry_the_policy(path):
    response = signed_in().get(path) if path == "/api/docs/" else Client().get(path)

    assert response.status_code == 200
    found = directives(response)
    assert {name: found[name] for name in STRICT} == STRICT
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_swagger_ui_inline_script_and_style_carry_the_responses_nonce():
    response = signed_in().get("/api/docs/")

    nonce = re.search(r"'nonce-([^']+)'", directives(response)["script-src"][1]).group(1)
    html = response.content.decode()
    assert html.count(f'nonce="{nonce}"') == 2
    assert re.findall(r"<(?:script|style)(?![^>]*\bsrc=)[^>]*>", html) == [
        f'<style nonce="{nonce}">',
        f'<script nonce="{nonce}">',
    ]


def test_the_nonce_differs_per_response():
    client = signed_in()
    first, second = (directives(client.get("/api/docs/"))["script-src"] for _ in range(2))

    assert first != second
