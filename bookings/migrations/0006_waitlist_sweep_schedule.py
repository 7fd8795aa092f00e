"""The q2 schedule of the waitlist sweep (`bookings.tasks.waitlist_expire_offers`), every minute:
offers not claimed in time expire and the seat goes to the next in line.

Created once, by name (as the outbox sweep's, scheduling 0004); reversing removes it.
"""

from django.db import migrations

NAME = "waitlist_expire_offers"
FUNC = "bookings.tasks.waitlist_expire_offers"


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
        ("bookings", "0005_booking_no_double_booking"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
