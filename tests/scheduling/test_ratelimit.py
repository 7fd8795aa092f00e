"""scheduling/ratelimit.py: failures counted in fixed windows of the shared cache, the guards'
scopes, and the client address. `now` is injected: no test waits for a window to pass."""

import datetime as dt

import pytest
from django.test import RequestFactory

from scheduling.models import CacheEntry
from scheduling.ratelimit import (
    CLIENT_CREDENTIALS,
    PASSWORDS,
    attempt_failure_record,
    attempt_lockout,
    client_ip,
    failure_record,
    lockout_for,
)
from tests.clock import FROZEN_NOW

pytestmark = pytest.mark.django_db

START = FROZEN_NOW  # 12:00:00, the start of a window of every length used here


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "api_ip": (3, 60),
        "signin_ip": (10, 300),
        "signin_account_ip": (3, 300),
        "signin_account": (6, 3600),
        "client_ip": (0, 60),
    }


def fail(times: int, *, scope="api_ip", key="203.0.113.9", now=START) -> None:
    for _ in range(times):
        failure_record(scope=scope, key=key, now=now)


def test_a_key_is_locked_out_when_its_failures_reach_the_limit(limits):
    fail(2)
    assert lockout_for(scope="api_ip", key="203.0.113.9", now=START) is None
    fail(1)
    assert lockout_for(scope="api_ip", key="203.0.113.9", now=START) is not None


def test_a_lockout_names_the_seconds_to_the_end_of_its_window(limits):
    fail(3)
    lockout = lockout_for(scope="api_ip", key="203.0.113.9", now=START + dt.timedelta(seconds=45))
    assert lockout.scope == "api_ip"
    assert lockout.retry_after == 15
    assert "15 seconds" in lockout.description


def test_failures_count_per_key(limits):
    fail(3)
    assert lockout_for(scope="api_ip", key="198.51.100.7", now=START) is None


def test_the_next_window_starts_from_zero(limits):
    fail(3, now=START + dt.timedelta(seconds=59))
    next_window = START + dt.timedelta(seconds=60)
    assert lockout_for(scope="api_ip", key="203.0.113.9", now=next_window) is None


def test_a_scope_with_zero_failures_is_off(limits):
    fail(50, scope="client_ip")
    assert lockout_for(scope="client_ip", key="203.0.113.9", now=START) is None
    assert not CacheEntry.objects.exists()


def test_keys_hold_digests_not_logins_or_addresses(limits):
    attempt_failure_record(guard=PASSWORDS, ip="203.0.113.9", identity="ada", now=START)
    keys = " ".join(CacheEntry.objects.values_list("cache_key", flat=True))
    assert keys.count("ratelimit:") == 3
    assert "ada" not in keys
    assert "203.0.113" not in keys


def signin_fail(times: int, *, ip: str, identity: str = "ada") -> None:
    for _ in range(times):
        attempt_failure_record(guard=PASSWORDS, ip=ip, identity=identity, now=START)


def signin_lockout(ip: str, identity: str = "ada"):
    return attempt_lockout(guard=PASSWORDS, ip=ip, identity=identity, now=START)


def test_an_address_hammering_one_login_is_locked_out_for_it_alone(limits):
    signin_fail(3, ip="203.0.113.9")

    assert signin_lockout("203.0.113.9").scope == "signin_account_ip"
    assert signin_lockout("198.51.100.7") is None  # the person, elsewhere
    assert signin_lockout("203.0.113.9", identity="grace") is None


def test_an_address_failing_across_many_logins_is_locked_out(limits):
    for n in range(10):
        signin_fail(1, ip="203.0.113.9", identity=f"user{n}")

    assert signin_lockout("203.0.113.9", identity="someone-else").scope == "signin_ip"


def test_past_the_login_limit_addresses_that_failed_for_it_are_refused(limits):
    for n in range(6):  # a distributed guesser: one failure from each of six addresses
        signin_fail(1, ip=f"203.0.113.{n}")

    lockout = signin_lockout("203.0.113.0")
    assert lockout.scope == "signin_account"
    assert lockout.retry_after == 300  # the address's own failures go first (5 min vs 1 h)
    assert signin_lockout("198.51.100.7") is None  # the person, from their usual place


def test_below_the_login_limit_an_address_with_a_failure_may_try_again(limits):
    signin_fail(1, ip="203.0.113.9")
    assert signin_lockout("203.0.113.9") is None


def test_client_credentials_count_per_client_id_and_address(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "client_id_ip": (2, 60)}
    for _ in range(2):
        attempt_failure_record(
            guard=CLIENT_CREDENTIALS, ip="203.0.113.9", identity="app_1", now=START
        )

    def lockout(ip: str):
        return attempt_lockout(guard=CLIENT_CREDENTIALS, ip=ip, identity="app_1", now=START)

    assert lockout("203.0.113.9").scope == "client_id_ip"
    assert lockout("198.51.100.7") is None


def test_an_unreachable_cache_enforces_nothing_and_fails_no_request(settings, limits, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    fail(5)
    assert lockout_for(scope="api_ip", key="203.0.113.9", now=START) is None
    assert "the cache is unreachable" in caplog.text


def request_from(remote_addr: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **extra)


def test_the_client_address_is_remote_addr_and_forwarded_for_is_ignored(settings):
    settings.BEHIND_PROXY = False
    assert client_ip(request_from("203.0.113.9", forwarded="198.51.100.7")) == "203.0.113.9"


def test_behind_a_proxy_the_address_is_the_last_forwarded_one(settings):
    settings.BEHIND_PROXY = True
    request = request_from("10.0.0.2", forwarded="1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"  # "1.2.3.4" came from the client itself
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"


def test_ipv6_clients_count_by_their_64_network():
    assert client_ip(request_from("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::"
    assert client_ip(request_from("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::"
    assert client_ip(request_from("::ffff:203.0.113.9")) == "203.0.113.9"
