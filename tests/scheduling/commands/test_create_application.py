import io
import json

import pytest
from django.core.management import call_command

from scheduling.models import Application
from scheduling.selectors.credentials import application_for_client_credentials

pytestmark = pytest.mark.django_db


def test_create_application_prints_working_credentials():
    out = io.StringIO()
    call_command(
        "create_application", "--name", "Acme", "--redirect-uri", "https://acme.test/cb", stdout=out
    )
    printed = json.loads(out.getvalue())
    assert set(printed) == {"client_id", "client_secret"}
    application = application_for_client_credentials(
        client_id=printed["client_id"], client_secret=printed["client_secret"]
    )
    assert application is not None
    assert application.name == "Acme"
    assert application.allowed_redirect_uris() == ["https://acme.test/cb"]


def test_create_application_stores_no_raw_secret():
    out = io.StringIO()
    call_command("create_application", "--name", "Acme", stdout=out)
    secret = json.loads(out.getvalue())["client_secret"]
    stored = Application.objects.get().secrets.get()
    assert secret not in (stored.secret_hash, stored.secret_prefix, stored.secret_encrypted)
