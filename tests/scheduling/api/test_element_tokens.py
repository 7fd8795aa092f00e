"""POST /v1/element_tokens: issued with the API key (pycronofy's get_ui_element_token), stored
hashed, refused with a 422 on the offending field, nothing stored on error."""

import datetime as dt

import pytest

from scheduling import credentials
from scheduling.models import ElementToken
from scheduling.services.element_tokens import element_token_issue
from scheduling.services.tokens import grant_revoke
from tests.api_client import JsonClient
from tests.clock import FROZEN_NOW
from tests.factories import make_account, make_application, make_tokens, make_user_account

ORIGIN = "http://127.0.0.1:8080"


def body(*subs, permissions=("agenda",), origin=ORIGIN, version="1") -> dict:
    return {
        "version": version,
        "permissions": list(permissions),
        "subs": list(subs),
        "origin": origin,
    }


def issue(app_creds, data, token=None):
    return JsonClient(token or app_creds.client_secret).call("POST", "/v1/element_tokens", data)


def errors(response) -> dict[str, list[str]]:
    assert response.status_code == 422
    return {
        field: [item["key"] for item in items] for field, items in response.json()["errors"].items()
    }


@pytest.mark.django_db(transaction=True)
def test_pycronofy_gets_an_element_token(cronofy, app_creds, account):
    client = cronofy(
        client_id=app_creds.application.client_id, client_secret=app_creds.client_secret
    )

    answer = client.get_ui_element_token(
        permissions=["agenda", "availability"], subs=[account.sub], origin=ORIGIN
    )

    token = answer["element_token"]
    assert token["permissions"] == ["agenda", "availability"]
    assert token["origin"] == ORIGIN
    assert token["expires_in"] == 64800
    assert len(token["token"]) >= 40


@pytest.mark.django_db
def test_the_token_is_stored_hashed_with_its_grant(app_creds, account):
    other = make_account(app_creds.application)
    response = issue(
        app_creds, body(account.sub, other.sub, permissions=("availability", "agenda"))
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.json()["element_token"]["token"]
    stored = ElementToken.objects.get()
    assert stored.token_hash == credentials.hash_token(raw)
    assert raw not in {stored.token_hash, stored.token_prefix}
    assert stored.token_prefix == raw[:6]
    assert stored.application == app_creds.application
    assert stored.subs == [account.sub, other.sub]
    assert stored.permissions == ["availability", "agenda"]
    assert stored.origin == ORIGIN
    assert stored.expires_at == stored.created_at + dt.timedelta(hours=18)


@pytest.mark.django_db
def test_a_person_who_authorized_the_application_may_be_a_sub(app_creds):
    person = make_user_account()
    make_tokens(app_creds.application, person)
    assert issue(app_creds, body(person.sub)).status_code == 200


@pytest.mark.django_db
def test_the_origin_is_kept_as_browsers_send_it(app_creds, account):
    response = issue(app_creds, body(account.sub, origin="HTTPS://Example.COM:443"))
    assert response.json()["element_token"]["origin"] == "https://example.com"
    assert ElementToken.objects.get().origin == "https://example.com"


@pytest.mark.django_db
def test_repeated_subs_and_permissions_count_once(app_creds, account):
    other = make_account(app_creds.application)
    data = body(other.sub, account.sub, other.sub, permissions=("agenda", "agenda"))
    response = issue(app_creds, data)
    assert response.json()["element_token"]["permissions"] == ["agenda"]
    assert ElementToken.objects.get().subs == [other.sub, account.sub]


@pytest.mark.django_db
def test_every_permission_is_accepted(app_creds, account):
    permissions = ("agenda", "availability", "managed_availability", "account_management")
    response = issue(app_creds, body(account.sub, permissions=permissions))
    assert response.json()["element_token"]["permissions"] == list(permissions)


@pytest.mark.django_db
def test_issuing_deletes_the_applications_expired_tokens(app_creds, account):
    other_app = make_application()
    foreign = make_account(other_app.application)
    long_ago = FROZEN_NOW - dt.timedelta(days=2)
    element_token_issue(
        application=app_creds.application,
        permissions=["agenda"],
        subs=[account.sub],
        origin=ORIGIN,
        now=long_ago,
    )
    element_token_issue(
        application=other_app.application,
        permissions=["agenda"],
        subs=[foreign.sub],
        origin=ORIGIN,
        now=long_ago,
    )

    issue(app_creds, body(account.sub))

    assert ElementToken.objects.filter(application=app_creds.application).count() == 1
    assert ElementToken.objects.filter(expires_at__gt=FROZEN_NOW).count() == 1
    # Another application's expired tokens are its own business (its next issue removes them).
    assert ElementToken.objects.filter(application=other_app.application).count() == 1


@pytest.mark.django_db
def test_a_sub_the_application_does_not_see_is_a_422_on_its_place(app_creds, account):
    foreign = make_account(make_application().application)
    stranger = make_user_account()  # a person who never authorized this application

    response = issue(app_creds, body(account.sub, foreign.sub, "acc_unknown", stranger.sub))

    assert errors(response) == {
        "subs.1": ["errors.unknown_sub"],
        "subs.2": ["errors.unknown_sub"],
        "subs.3": ["errors.unknown_sub"],
    }
    assert not ElementToken.objects.exists()


@pytest.mark.django_db
def test_a_revoked_grant_makes_the_person_unknown(app_creds):
    person = make_user_account()
    tokens = make_tokens(app_creds.application, person)
    grant_revoke(grant=tokens.grant)
    assert errors(issue(app_creds, body(person.sub))) == {"subs.0": ["errors.unknown_sub"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"permissions": []}, "permissions", "errors.required"),
        ({"permissions": ["read_events"]}, "permissions.0", "errors.invalid"),
        ({"permissions": "agenda"}, "permissions", "errors.invalid"),
        ({"permissions": ["agenda"] * 5}, "permissions", "errors.too_long"),
        ({"subs": []}, "subs", "errors.required"),
        ({"subs": [7]}, "subs.0", "errors.invalid"),
        ({"version": "2"}, "version", "errors.invalid"),
        ({"version": 1}, "version", "errors.invalid"),
        ({"origin": "http://127.0.0.1:8080/"}, "origin", "errors.invalid"),
        ({"origin": "http://127.0.0.1:8080/page"}, "origin", "errors.invalid"),
        ({"origin": "ftp://127.0.0.1"}, "origin", "errors.invalid"),
        ({"origin": "http://user@127.0.0.1"}, "origin", "errors.invalid"),
        ({"origin": "http://127.0.0.1:70000"}, "origin", "errors.invalid"),
        ({"origin": "127.0.0.1:8080"}, "origin", "errors.invalid"),
        ({"origin": "http://" + "a" * 300}, "origin", "errors.too_long"),
    ],
)
def test_bad_input_is_a_422_on_its_field_and_nothing_is_stored(
    app_creds, account, change, field, key
):
    response = issue(app_creds, {**body(account.sub), **change})
    assert key in errors(response)[field]
    assert not ElementToken.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["version", "permissions", "subs", "origin"])
def test_every_field_is_required(app_creds, account, missing):
    data = body(account.sub)
    del data[missing]
    assert errors(issue(app_creds, data)) == {missing: ["errors.required"]}


@pytest.mark.django_db
def test_an_access_token_cannot_issue_element_tokens(app_creds, account, tokens):
    response = issue(app_creds, body(account.sub), token=tokens.access_token)
    assert response.status_code == 401
    assert not ElementToken.objects.exists()


@pytest.mark.django_db
def test_an_element_token_cannot_issue_element_tokens(app_creds, account):
    response = issue(app_creds, body(account.sub))
    raw = response.json()["element_token"]["token"]
    again = JsonClient().call("POST", f"/v1/element_tokens?et={raw}", body(account.sub))
    assert again.status_code == 401
    assert ElementToken.objects.count() == 1
