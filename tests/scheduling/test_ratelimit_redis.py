"""The rate limits with the cache on Redis (CACHE_REDIS_URL), as a scaled-out deployment runs them.

Redis at TEST_REDIS_URL (default 127.0.0.1:6379, which .ci/run starts). Without it these tests
skip on a developer's machine, and fail in CI (CI=true): there, a missing Redis is a broken
pipeline, not a reason to test less. Each test counts under its own key prefix, and every key
expires by itself within a minute (Redis keeps real time, not the tests' frozen clock).
"""

import os
import uuid

import pytest
import redis
from django.test import Client

from scheduling.ratelimit import failure_record, lockout_for
from tests.api_client import JsonClient
from tests.clock import FROZEN_NOW
from tests.concurrency import race
from tests.factories import make_user

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ATTACKER = "203.0.113.9"


def redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.fixture(autouse=True)
def redis_cache(settings):
    if not redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Redis at {REDIS_URL} for the shared-cache tests")
        pytest.skip(f"no Redis at {REDIS_URL} (with CI=true this fails instead)")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "api_ip": (3, 60),
        "signin_ip": (20, 60),
        "signin_account_ip": (3, 60),
        "signin_account": (10, 60),
    }


def test_failures_lock_out_on_redis():
    for _ in range(2):
        failure_record(scope="api_ip", key=ATTACKER, now=FROZEN_NOW)
    assert lockout_for(scope="api_ip", key=ATTACKER, now=FROZEN_NOW) is None

    failure_record(scope="api_ip", key=ATTACKER, now=FROZEN_NOW)

    assert lockout_for(scope="api_ip", key=ATTACKER, now=FROZEN_NOW).retry_after == 60


def test_concurrent_failures_each_count_on_redis(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": (16, 60)}

    race(16, lambda _n: failure_record(scope="api_ip", key=ATTACKER, now=FROZEN_NOW))

    assert lockout_for(scope="api_ip", key=ATTACKER, now=FROZEN_NOW) is not None


def test_the_api_answers_429_from_redis_counts(tokens):
    def get(token: str):
        return JsonClient(token, REMOTE_ADDR=ATTACKER).call("GET", "/v1/account")

    for _ in range(3):
        assert get("not-a-token").status_code == 401

    response = get(tokens.access_token)
    assert response.status_code == 429
    assert response["Retry-After"]


def test_sign_in_lockout_on_redis_leaves_the_owner_in():
    make_user("ada", password="correct horse battery")

    def sign_in(ip: str, password: str):
        data = {"login": "ada", "password": password}
        return Client(REMOTE_ADDR=ip).post("/accounts/login/", data)

    for _ in range(3):
        sign_in(ATTACKER, "guess")

    assert "Too many failed login attempts" in sign_in(ATTACKER, "guess").content.decode()
    assert sign_in("198.51.100.7", "correct horse battery").status_code == 302
