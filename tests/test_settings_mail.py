"""Where mail goes, by environment: never into logs when DEBUG is off."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings; "
    "django.setup(); print(json.dumps(settings.MAILERS['default']))"
)


def mailer(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEBUG"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, **env}
    out = subprocess.run(  # noqa: S603 (our interpreter, fixed arguments)
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


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
