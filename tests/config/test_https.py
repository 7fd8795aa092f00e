"""Behind a TLS proxy: HSTS, the redirect to HTTPS, secure cookies, and a clean deploy check."""

import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from tests.config.settings_probe import ROOT, settings_under

HTTPS_NAMES = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
)
DROP = ("SECURE_", "HSTS_", "HTTPS_", "BEHIND_PROXY")
# What an operator sets for production behind a TLS-terminating proxy (README).
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECURE_COOKIES": "true",
    "BEHIND_PROXY": "true",
    "ALLOWED_HOSTS": "scheduling.example.org",
    "EMAIL_HOST": "smtp.example.org",
}


def https_settings(**env) -> dict:
    return settings_under(env, *HTTPS_NAMES, drop=DROP)


def test_plain_http_by_default():
    assert https_settings() == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_secure_cookies_turn_on_hsts_for_a_year_and_the_redirect():
    assert https_settings(SECURE_COOKIES="true", BEHIND_PROXY="true") == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_hsts_and_redirect_follow_their_own_variables():
    found = https_settings(
        SECURE_COOKIES="true",
        HSTS_SECONDS="300",
        HSTS_INCLUDE_SUBDOMAINS="false",
        HSTS_PRELOAD="true",
        HTTPS_REDIRECT="false",
    )

    assert found["SECURE_HSTS_SECONDS"] == 300
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert found["SECURE_HSTS_PRELOAD"] is True
    assert found["SECURE_SSL_REDIRECT"] is False


def deploy_check(**env) -> subprocess.CompletedProcess:
    # The test run allows async-unsafe calls (browser tests); a deployment must not.
    skip = (*DROP, "DEBUG", "EMAIL_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    clean |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_behind_a_tls_proxy():
    result = deploy_check(**PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_complains_without_https():
    result = deploy_check(**PRODUCTION_ENV | {"SECURE_COOKIES": "false"})

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


PROXY = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}
HTTPS_ONLY = {"SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 3600}


@pytest.mark.django_db
@override_settings(**PROXY, **HTTPS_ONLY)
def test_plain_http_is_redirected_to_https():
    response = Client().get("/accounts/login/?next=/x")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/?next=/x"


@pytest.mark.django_db
@override_settings(**PROXY, **HTTPS_ONLY)
def test_https_through_the_proxy_is_served_with_hsts():
    response = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


@pytest.mark.django_db
@override_settings(SECURE_PROXY_SSL_HEADER=None, **HTTPS_ONLY)
def test_forwarded_proto_is_ignored_when_not_behind_a_proxy():
    response = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 301


@pytest.mark.django_db
@override_settings(**PROXY, **HTTPS_ONLY)
def test_health_is_not_redirected_for_plain_http_probes():
    response = Client().get("/health")

    assert response.status_code in {200, 503}
    assert response["Content-Type"] == "application/json"
