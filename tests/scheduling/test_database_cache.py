"""scheduling/database_cache.py: Django's database cache with an incr that loses no count."""

import datetime as dt

import pytest
from django.core.cache import caches

from scheduling.database_cache import DatabaseCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache():
    return caches["default"]


def test_the_default_cache_is_the_database_one(cache):
    assert isinstance(cache, DatabaseCache)


def test_incr_adds_to_the_stored_number(cache):
    cache.add("n", 1, 60)
    assert cache.incr("n") == 2
    assert cache.incr("n", 5) == 7
    assert cache.get("n") == 7


def test_incr_of_a_missing_key_raises_value_error(cache):
    with pytest.raises(ValueError, match="not found"):
        cache.incr("absent")


def test_incr_of_an_expired_key_raises_value_error(cache, clock):
    cache.add("n", 1, 60)
    clock.shift(dt.timedelta(seconds=61))
    with pytest.raises(ValueError, match="not found"):
        cache.incr("n")


def test_incr_keeps_the_expiry(cache, clock):
    cache.add("n", 1, 60)
    cache.incr("n")
    clock.shift(dt.timedelta(seconds=61))
    assert cache.get("n") is None
