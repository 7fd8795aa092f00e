"""Where mail goes, by environment: never into logs when DEBUG is off."""

import pytest

from tests.config.settings_probe import settings_under


def mailer(**env) -> dict:
    return settings_under(env, "MAILERS", drop=("EMAIL_",))["MAILERS"]["default"]


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"DEBUG": "false"}, "django.core.mail.backends.dummy.EmailBackend"),
        ({"DEBUG": "true"}, "django.core.mail.backends.console.EmailBackend"),
        (
            {"DEBUG": "false", "EMAIL_HOST": "smtp.example.org"},
            "django.core.mail.backends.smtp.EmailBackend",
        ),
    ],
)
def test_mail_backend_follows_the_environment(env, backend):
    assert mailer(**env)["BACKEND"] == backend


def test_smtp_options_come_from_the_environment():
    options = mailer(
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="mailer",
        EMAIL_HOST_PASSWORD="pw",
        EMAIL_USE_TLS="false",
    )["OPTIONS"]
    assert options == {
        "host": "smtp.example.org",
        "port": 2525,
        "username": "mailer",
        "password": "pw",
        "use_tls": False,
    }
