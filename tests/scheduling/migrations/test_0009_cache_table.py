"""Migration 0009 (the database cache's table) both ways, and the cache working on it."""

from django.core.cache import cache
from django.db import connection

from tests.scheduling.migrations.executor import migrate, migrate_to_latest


def tables() -> list[str]:
    return connection.introspection.table_names()


def test_0009_creates_the_cache_table_and_drops_it_in_reverse(transactional_db):
    migrate([("scheduling", "0008_channels")])
    assert "scheduling_cache" not in tables()

    migrate([("scheduling", "0009_cache_table")])
    assert "scheduling_cache" in tables()
    assert cache.add("counted", 1, 60)
    assert cache.incr("counted") == 2

    migrate([("scheduling", "0008_channels")])
    assert "scheduling_cache" not in tables()
    migrate_to_latest()
