"""Migrations 0003 (the outbox) and 0004 (the sweep's q2 schedule) both ways."""

import pytest
from django.db import connection

from tests.scheduling.migrations.executor import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

SCHEDULE = "callbacks_deliver_due"
DJANGO_Q = ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more")


def scheduling_at(name: str):
    """Migrate `scheduling` to `name` (django_q stays migrated); the historical models there."""
    return migrate([("scheduling", name), DJANGO_Q])


@pytest.fixture
def restore_latest():
    yield
    migrate_to_latest()


def schedules(apps) -> int:
    return apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE).count()


def test_0004_creates_the_schedule_once_and_reverses(restore_latest):
    before = scheduling_at("0003_outbox")
    assert schedules(before) == 0
    after = scheduling_at("0004_callback_sweep_schedule")
    assert schedules(after) == 1


def test_0004_keeps_a_schedule_an_operator_already_made(restore_latest):
    before = scheduling_at("0003_outbox")
    before.get_model("django_q", "Schedule").objects.create(
        name=SCHEDULE, func="scheduling.tasks.callbacks_deliver_due", schedule_type="I", minutes=5
    )
    after = scheduling_at("0004_callback_sweep_schedule")
    [schedule] = after.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE)
    assert schedule.minutes == 5


def test_0003_reverses_to_no_outbox_tables(restore_latest):
    scheduling_at("0002_event_application")
    tables = connection.introspection.table_names()
    assert "scheduling_outgoingcallback" not in tables
    assert "scheduling_callbackattempt" not in tables
    scheduling_at("0004_callback_sweep_schedule")
    assert "scheduling_outgoingcallback" in connection.introspection.table_names()
