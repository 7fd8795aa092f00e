"""token_exchange: the grant-type dispatch of POST /oauth/token, as a service."""

import pytest

from scheduling.errors import ValidationFailed
from scheduling.services.oauth import authorization_code_create, token_exchange
from tests.factories import REDIRECT_URI, make_application, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    return make_application().application


def test_an_authorization_code_is_exchanged_then_its_refresh_token(application):
    code = authorization_code_create(
        user=make_user(), application=application, redirect_uri=REDIRECT_URI, scope="read_events"
    )
    first = token_exchange(
        application=application,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
    )
    again = token_exchange(
        application=application, grant_type="refresh_token", refresh_token=first.refresh_token
    )
    assert first.grant == again.grant
    assert again.access_token != first.access_token


@pytest.mark.parametrize(
    ("arguments", "field", "code"),
    [
        ({"grant_type": "password"}, "grant_type", "unsupported_grant_type"),
        ({"grant_type": "authorization_code"}, "code", "invalid_request"),
        ({"grant_type": "authorization_code", "code": "c"}, "redirect_uri", "invalid_request"),
        ({"grant_type": "refresh_token"}, "refresh_token", "invalid_request"),
    ],
)
def test_a_grant_type_needs_its_parameters(application, arguments, field, code):
    with pytest.raises(ValidationFailed) as caught:
        token_exchange(application=application, **arguments)
    assert [(f, c) for f, [(c, _)] in caught.value.errors.items()] == [(field, code)]
