"""The q2 schedule of the auto-complete sweep (`bookings.tasks.bookings_autocomplete`), every 5
minutes: bookings an hour past their end with no further action are completed (Timekit's rule).

Created once, by name (as the outbox sweep's, scheduling 0004); reversing removes it.
"""

from django.db import migrations

NAME = "bookings_autocomplete"
FUNC = "bookings.tasks.bookings_autocomplete"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "I", "minutes": 5, "repeats": -1},
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME, func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [("bookings", "0006_waitlist_sweep_schedule")]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
