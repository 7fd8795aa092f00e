"""Managed events belong to the application that created them.

`Event.application` replaces the `managed` boolean, and event_id becomes unique per (calendar,
application) instead of per calendar, so that two applications authorized by one account can use
the same event_id without touching each other's events.

Existing rows: a managed event with an event_id goes to the application that owns its account
(application calendars, resources), else to the first application granted access to the account;
every other event becomes external (no application, no event_id). Reversing sets `managed` from
`application`; it fails on the restored (calendar, event_id) uniqueness if two applications have
used the same event_id in one calendar, which the old schema cannot represent.
"""

import django.db.models.deletion
from django.db import migrations, models


def assign_managing_application(apps, schema_editor):
    Event = apps.get_model("scheduling", "Event")
    Grant = apps.get_model("scheduling", "Grant")
    managed = Event.objects.filter(managed=True, event_id__isnull=False)
    owners = managed.order_by().values_list(
        "calendar__account_id", "calendar__account__application_id"
    )
    for account_id, owner_id in owners.distinct():
        if owner_id is None:
            grant = Grant.objects.filter(account_id=account_id).order_by("id").first()
            owner_id = grant.application_id if grant else None
        if owner_id is not None:
            managed.filter(calendar__account_id=account_id).update(application_id=owner_id)
    Event.objects.filter(application__isnull=True).exclude(event_id=None).update(event_id=None)


def restore_managed_flag(apps, schema_editor):
    Event = apps.get_model("scheduling", "Event")
    Event.objects.filter(application__isnull=True).update(managed=False)


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="event",
            name="unique_event_id_per_calendar",
        ),
        migrations.AddField(
            model_name="event",
            name="application",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="managed_events",
                to="scheduling.application",
            ),
        ),
        migrations.RunPython(assign_managing_application, restore_managed_flag),
        migrations.RemoveField(
            model_name="event",
            name="managed",
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                condition=models.Q(("event_id__isnull", False)),
                fields=("calendar", "application", "event_id"),
                name="unique_event_id_per_calendar_application",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("application__isnull", True), ("event_id__isnull", True)),
                    models.Q(("application__isnull", False), ("event_id__isnull", False)),
                    _connector="OR",
                ),
                name="event_id_iff_managed",
            ),
        ),
    ]
