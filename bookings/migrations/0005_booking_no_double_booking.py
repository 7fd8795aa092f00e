"""On PostgreSQL, two confirmed one-to-one bookings (graphs instant and confirm_decline) of one
resource may never overlap: an exclusion constraint over the resource account and the half-open
span [start, end), for confirmed bookings only (a tentative confirm_decline booking does not hold
its time, as Timekit documents). The booking service's lock and re-check come first; this is the
last guard. SQLite has no such constraint; there IMMEDIATE transactions serialize the writers."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_booking ADD CONSTRAINT booking_no_double_booking
    EXCLUDE USING gist (account_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (graph IN ('instant', 'confirm_decline') AND state = 'confirmed');
"""
DROP = "ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_no_double_booking;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0004_timekit_projects_waitlist_webhooks")]

    operations = [migrations.RunPython(forwards, backwards)]
