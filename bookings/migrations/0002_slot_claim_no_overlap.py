"""On PostgreSQL, two slot claims of one account may never overlap (an exclusion constraint over
the account and the half-open span [start, end)). SQLite has no such constraint; there the booking
service's lock (IMMEDIATE transactions take the database's write lock first) and re-check are the
guard."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_slotclaim ADD CONSTRAINT slot_claim_no_overlap
    EXCLUDE USING gist (account_id WITH =, tstzrange(start, "end", '[)') WITH &&);
"""
DROP = "ALTER TABLE bookings_slotclaim DROP CONSTRAINT IF EXISTS slot_claim_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
