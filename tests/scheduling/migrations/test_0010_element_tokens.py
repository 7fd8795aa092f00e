"""Migration 0010 (element tokens) both ways."""

from django.db import connection

from tests.scheduling.migrations.executor import migrate, migrate_to_latest


def tables() -> list[str]:
    return connection.introspection.table_names()


def test_0010_creates_the_element_token_table_and_drops_it_in_reverse(transactional_db):
    migrate([("scheduling", "0009_cache_table")])
    assert "scheduling_elementtoken" not in tables()

    apps = migrate([("scheduling", "0010_element_tokens")])
    assert "scheduling_elementtoken" in tables()
    assert apps.get_model("scheduling", "ElementToken").objects.count() == 0

    migrate([("scheduling", "0009_cache_table")])
    assert "scheduling_elementtoken" not in tables()
    migrate_to_latest()
