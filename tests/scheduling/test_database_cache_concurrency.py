"""Counting in the database cache under concurrent writers: no failure is lost."""

from django.core.cache import cache

from scheduling.ratelimit import failure_record, lockout_for
from tests.clock import FROZEN_NOW
from tests.concurrency import needs_concurrent_writers, race

pytestmark = needs_concurrent_writers

RACERS = 8


def test_concurrent_incrs_each_count():
    cache.add("hits", 0, 60)

    race(RACERS, lambda _n: cache.incr("hits"))

    assert cache.get("hits") == RACERS


def test_concurrent_failures_each_count(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": (RACERS, 60)}

    race(RACERS, lambda _n: failure_record(scope="api_ip", key="203.0.113.9", now=FROZEN_NOW))

    assert lockout_for(scope="api_ip", key="203.0.113.9", now=FROZEN_NOW) is not None
