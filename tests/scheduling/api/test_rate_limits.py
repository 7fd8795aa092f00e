"""Failed credentials are rate limited on every API endpoint, in each API's error shape.

Limits are lowered through settings so that a test makes few requests; windows pass by moving
the frozen clock (`clock.shift`), never by sleeping.
"""

import datetime as dt

import pytest

from tests.api_client import JsonClient
from tests.factories import make_application

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
INTEGRATOR = "198.51.100.7"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "api_ip": (3, 60),
        "client_ip": (6, 60),
        "client_id_ip": (3, 60),
        "client_id": (5, 600),
    }


def from_ip(ip: str, token: str | None = None) -> JsonClient:
    return JsonClient(token, REMOTE_ADDR=ip)


def get_account(ip: str, token: str):
    return from_ip(ip, token).call("GET", "/v1/account")


def assert_v1_rate_limited(response, retry_after: int) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == str(retry_after)
    [error] = response.json()["errors"]["base"]
    assert error["key"] == "errors.rate_limited"
    assert f"{retry_after} seconds" in error["description"]


def test_failed_access_tokens_lock_the_address_out_with_a_429(tokens):
    for _ in range(3):
        assert get_account(ATTACKER, "not-a-token").status_code == 401

    assert_v1_rate_limited(get_account(ATTACKER, "not-a-token"), retry_after=60)
    # Locked out means not checked: a working token from there waits too.
    assert get_account(ATTACKER, tokens.access_token).status_code == 429
    assert get_account(INTEGRATOR, tokens.access_token).status_code == 200


def test_retry_after_counts_down_to_the_end_of_the_window(tokens, clock):
    for _ in range(3):
        get_account(ATTACKER, "not-a-token")
    clock.shift(dt.timedelta(seconds=20))

    assert get_account(ATTACKER, "not-a-token")["Retry-After"] in {"40", "39"}


def test_a_lockout_ends_with_its_window(tokens, clock):
    for _ in range(3):
        get_account(ATTACKER, "not-a-token")
    clock.shift(dt.timedelta(seconds=60))

    assert get_account(ATTACKER, tokens.access_token).status_code == 200
    assert get_account(ATTACKER, "not-a-token").status_code == 401


def test_working_credentials_are_never_counted(tokens):
    for _ in range(10):
        assert get_account(ATTACKER, tokens.access_token).status_code == 200

    assert get_account(ATTACKER, "not-a-token").status_code == 401


def test_requests_without_credentials_are_not_counted(anon_api):
    for _ in range(5):
        assert from_ip(ATTACKER).call("GET", "/v1/account").status_code == 401

    assert get_account(ATTACKER, "not-a-token").status_code == 401


def test_malformed_bearer_headers_count_as_failures(tokens):
    for _ in range(3):
        response = from_ip(ATTACKER).get("/v1/account", HTTP_AUTHORIZATION="Bearer a b")
        assert response.status_code == 401

    assert get_account(ATTACKER, tokens.access_token).status_code == 429


def test_failed_api_keys_count_on_availability(app_creds):
    def availability(key: str):
        return from_ip(ATTACKER, key).call("POST", "/v1/availability", {})

    for _ in range(3):
        assert availability("not-a-key").status_code == 401

    assert_v1_rate_limited(availability(app_creds.client_secret), retry_after=60)


def test_bearer_failures_count_across_endpoints(app_creds, tokens):
    from_ip(ATTACKER, "nope").call("GET", "/v1/calendars")
    from_ip(ATTACKER, "nope").call("POST", "/v1/availability", {})
    from_ip(ATTACKER, "nope").call("GET", "/v1/userinfo")

    assert get_account(ATTACKER, tokens.access_token).status_code == 429


def token_request(ip: str, client_id: str, client_secret: str, path: str = "/oauth/token"):
    body = {
        "client_id": client_id,
        "client_secret": client_secret,
        "grant_type": "refresh_token",
        "refresh_token": "unknown",
    }
    return from_ip(ip).call("POST", path, body)


def test_client_requests_without_credentials_are_not_counted(app_creds):
    for _ in range(6):
        assert token_request(ATTACKER, "", "").status_code == 401

    client_id = app_creds.application.client_id
    assert token_request(ATTACKER, client_id, app_creds.client_secret).status_code == 400


def test_failed_client_authentications_get_an_oauth_429(app_creds):
    client_id = app_creds.application.client_id
    for _ in range(3):
        assert token_request(ATTACKER, client_id, "wrong").status_code == 401

    response = token_request(ATTACKER, client_id, app_creds.client_secret)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "error": "rate_limited",
        "error_description": "Too many failed attempts; try again in 60 seconds.",
    }


def test_revoke_counts_client_failures_too(app_creds):
    client_id = app_creds.application.client_id
    for _ in range(3):
        assert token_request(ATTACKER, client_id, "wrong", "/oauth/token/revoke").status_code == 401

    assert token_request(ATTACKER, client_id, app_creds.client_secret).status_code == 429


def test_application_calendars_answer_429_in_the_v1_shape(app_creds):
    def upsert(secret: str):
        body = {
            "client_id": app_creds.application.client_id,
            "client_secret": secret,
            "application_calendar_id": "front-desk",
        }
        return from_ip(ATTACKER).call("POST", "/v1/application_calendars", body)

    for _ in range(3):
        assert upsert("wrong").status_code == 401

    assert_v1_rate_limited(upsert(app_creds.client_secret), retry_after=60)


def test_hammering_a_client_id_does_not_lock_its_owner_out(app_creds):
    client_id = app_creds.application.client_id
    for _ in range(4):
        token_request(ATTACKER, client_id, "wrong")

    assert token_request(ATTACKER, client_id, "wrong").status_code == 429
    # invalid_grant: the client authenticated, its refresh token is unknown.
    owner = token_request(INTEGRATOR, client_id, app_creds.client_secret)
    assert owner.json()["error"] == "invalid_grant"


def test_an_address_failing_across_client_ids_is_locked_out(app_creds):
    for n in range(6):
        token_request(ATTACKER, f"app_{n}", "wrong")

    other = make_application("Other")
    response = token_request(ATTACKER, other.application.client_id, other.client_secret)
    assert response.status_code == 429


def test_a_distributed_attack_on_a_client_id_locks_only_the_attacking_addresses(app_creds):
    client_id = app_creds.application.client_id
    attackers = [f"203.0.113.{n}" for n in range(5)]
    for ip in attackers:
        assert token_request(ip, client_id, "wrong").status_code == 401

    # Past the client_id's limit, an address that failed for it is refused, even with the secret.
    assert token_request(attackers[0], client_id, app_creds.client_secret).status_code == 429
    assert token_request("203.0.113.200", client_id, "wrong").status_code == 401
    owner = token_request(INTEGRATOR, client_id, app_creds.client_secret)
    assert owner.json()["error"] == "invalid_grant"


def test_behind_a_proxy_failures_count_per_forwarded_address(settings, tokens):
    settings.BEHIND_PROXY = True

    def get(forwarded: str, token: str):
        client = JsonClient(token, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
        return client.call("GET", "/v1/account")

    for _ in range(3):
        get(ATTACKER, "not-a-token")

    assert get(ATTACKER, tokens.access_token).status_code == 429
    assert get(INTEGRATOR, tokens.access_token).status_code == 200
    # A client-supplied first entry changes nothing: the proxy's entry is the last one.
    assert get(f"{INTEGRATOR}, {ATTACKER}", tokens.access_token).status_code == 429


def test_no_credential_reaches_the_logs_even_when_the_cache_is_down(settings, app_creds, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    client_id = app_creds.application.client_id
    caplog.set_level("DEBUG")

    assert token_request(ATTACKER, client_id, "wrong-secret-123").status_code == 401
    assert get_account(ATTACKER, "wrong-token-456").status_code == 401

    assert "the cache is unreachable" in caplog.text
    for secret in ("wrong-secret-123", "wrong-token-456", client_id):
        assert secret not in caplog.text
