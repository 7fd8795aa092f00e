"""The q2 schedule of the outbox sweep (`scheduling.tasks.callbacks_deliver_due`), every minute.

Created once, by name, so that running the migration again or on a database where an operator
already made it changes nothing; reversing removes it.
"""

from django.db import migrations

NAME = "callbacks_deliver_due"
FUNC = "scheduling.tasks.callbacks_deliver_due"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "I", "minutes": 1, "repeats": -1},
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME, func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0003_outbox"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
