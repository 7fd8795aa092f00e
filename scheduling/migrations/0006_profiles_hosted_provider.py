# Hosted profiles report provider_name "cronofy", the name Cronofy gives the calendars it hosts.

from django.db import migrations, models


def to_cronofy(apps, schema_editor):
    apps.get_model("scheduling", "Profile").objects.filter(provider_name="local").update(
        provider_name="cronofy"
    )


def to_local(apps, schema_editor):
    apps.get_model("scheduling", "Profile").objects.filter(provider_name="cronofy").update(
        provider_name="local"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("scheduling", "0005_event_external_id"),
    ]

    operations = [
        migrations.AlterField(
            model_name="profile",
            name="provider_name",
            field=models.CharField(default="cronofy", max_length=32),
        ),
        migrations.RunPython(to_cronofy, to_local),
    ]
