"""Migration 0002 (events belong to their application) both ways, over rows of the old schema."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.scheduling.migrations.executor import migrate, migrate_to_latest

BEFORE = [("scheduling", "0001_initial")]
AFTER = [("scheduling", "0002_event_application")]
T0 = dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def old_schema(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate_to_latest()


def old_rows(apps):
    """An application calendar (owned by A) and a person's account (granted to B, then C)."""
    Application = apps.get_model("scheduling", "Application")
    Account = apps.get_model("scheduling", "Account")
    Grant = apps.get_model("scheduling", "Grant")
    owner, b, c = (Application.objects.create(name=name) for name in "ABC")
    user = apps.get_model("auth", "User").objects.create(username="person")
    room = Account.objects.create(sub="apc_room", kind="application_calendar", application=owner)
    person = Account.objects.create(sub="acc_person", kind="user", user=user)
    Grant.objects.create(application=b, account=person, scope="read_write")
    Grant.objects.create(application=c, account=person, scope="read_write")
    rows = {}
    for account in (room, person):
        profile = apps.get_model("scheduling", "Profile").objects.create(
            profile_id=f"pro_{account.sub}", account=account, profile_name="local"
        )
        calendar = apps.get_model("scheduling", "Calendar").objects.create(
            calendar_id=f"cal_{account.sub}", account=account, profile=profile, name="Cal"
        )
        for name, managed, event_id in [
            ("managed", True, "booking-1"),
            ("managed without id", True, None),
            ("external with id", False, "stray"),
            ("external", False, None),
        ]:
            rows[account.sub, name] = apps.get_model("scheduling", "Event").objects.create(
                calendar=calendar,
                event_uid=f"evt_{account.sub}_{len(rows)}",
                event_id=event_id,
                managed=managed,
                start=T0,
                end=T0 + dt.timedelta(hours=1),
                ever_start=T0,
                ever_end=T0 + dt.timedelta(hours=1),
                created_at=T0,
                updated_at=T0,
            )
    return SimpleNamespace(events=rows, owner=owner.pk, first_grantee=b.pk)


def test_0002_gives_managed_events_to_their_application_and_reverses(old_schema):
    old = old_rows(old_schema)

    Event = migrate(AFTER).get_model("scheduling", "Event")
    after = {
        key: Event.objects.values_list("application_id", "event_id").get(pk=event.pk)
        for key, event in old.events.items()
    }
    assert after == {
        ("apc_room", "managed"): (old.owner, "booking-1"),
        ("apc_room", "managed without id"): (None, None),
        ("apc_room", "external with id"): (None, None),
        ("apc_room", "external"): (None, None),
        ("acc_person", "managed"): (old.first_grantee, "booking-1"),
        ("acc_person", "managed without id"): (None, None),
        ("acc_person", "external with id"): (None, None),
        ("acc_person", "external"): (None, None),
    }

    Event = migrate(BEFORE).get_model("scheduling", "Event")
    managed = set(Event.objects.filter(managed=True).values_list("pk", flat=True))
    assert managed == {old.events["apc_room", "managed"].pk, old.events["acc_person", "managed"].pk}

