import io

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    """The OpenAPI schema as `manage.py spectacular --validate --fail-on-warn` writes it: a
    warning fails the tests that use it."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())
