"""The q2 schedules of calendar sync: `calendars_sync.tasks.connections_poll_due` every minute
(queues the connections whose poll is due) and `calendars_sync.tasks.push_channels_renew` every
hour (renews push channels expiring within a day).

Created once, by name (as the outbox sweep's, scheduling 0004); reversing removes them.
"""

from django.db import migrations

SCHEDULES = [
    ("sync_connections_poll_due", "calendars_sync.tasks.connections_poll_due", 1),
    ("sync_push_channels_renew", "calendars_sync.tasks.push_channels_renew", 60),
]


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, minutes in SCHEDULES:
        Schedule.objects.get_or_create(
            name=name,
            defaults={"func": func, "schedule_type": "I", "minutes": minutes, "repeats": -1},
        )


def delete_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, _ in SCHEDULES:
        Schedule.objects.filter(name=name, func=func).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("calendars_sync", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
