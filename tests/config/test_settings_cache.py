"""The shared cache and the rate limits, by environment."""

import pytest

from tests.config.settings_probe import settings_under


def test_the_cache_is_the_database_by_default():
    cache = settings_under({}, "CACHES", drop=("CACHE_",))["CACHES"]["default"]
    assert cache["BACKEND"] == "scheduling.database_cache.DatabaseCache"
    assert cache["LOCATION"] == "scheduling_cache"


def test_cache_redis_url_puts_the_cache_on_redis():
    env = {"CACHE_REDIS_URL": "redis://127.0.0.1:6379/3"}
    cache = settings_under(env, "CACHES", drop=("CACHE_",))["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_rate_limits_have_defaults_and_single_scopes_can_change():
    limits = settings_under({"RATE_LIMITS": "api_ip=100/30, signin_ip=0/60"}, "RATE_LIMITS")
    assert limits["RATE_LIMITS"]["api_ip"] == [100, 30]
    assert limits["RATE_LIMITS"]["signin_ip"] == [0, 60]
    assert limits["RATE_LIMITS"]["signin_account"] == [50, 3600]


def test_behind_proxy_is_a_setting():
    assert settings_under({"BEHIND_PROXY": "true"}, "BEHIND_PROXY") == {"BEHIND_PROXY": True}
    assert settings_under({}, "BEHIND_PROXY", drop=("BEHIND_",)) == {"BEHIND_PROXY": False}


@pytest.mark.parametrize("value", ["api=1/60", "api_ip=ten/60", "api_ip=10/0", "api_ip=10"])
def test_a_mistaken_rate_limit_stops_the_start_up(value):
    with pytest.raises(AssertionError, match="RATE_LIMITS"):
        settings_under({"RATE_LIMITS": value}, "RATE_LIMITS")
