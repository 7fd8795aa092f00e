"""Migration 0006 (hosted profiles report provider_name "cronofy") both ways."""

from django.db import connection

from tests.scheduling.migrations.executor import migrate, migrate_to_latest


def test_0006_renames_hosted_profiles_to_cronofy_and_reverses(transactional_db):
    before, after = (
        [("scheduling", "0005_event_external_id")],
        [("scheduling", "0006_profiles_hosted_provider")],
    )
    apps = migrate(before)
    Account = apps.get_model("scheduling", "Account")
    Profile = apps.get_model("scheduling", "Profile")
    owner = apps.get_model("scheduling", "Application").objects.create(name="A")
    room = Account.objects.create(sub="apc_room", kind="application_calendar", application=owner)
    for profile_id, provider in [("pro_1", "local"), ("pro_2", "google")]:
        Profile.objects.create(
            profile_id=profile_id, account=room, provider_name=provider, profile_name="p"
        )

    Profile = migrate(after).get_model("scheduling", "Profile")
    assert dict(Profile.objects.values_list("profile_id", "provider_name")) == {
        "pro_1": "cronofy",
        "pro_2": "google",
    }

    Profile = migrate(before).get_model("scheduling", "Profile")
    assert dict(Profile.objects.values_list("profile_id", "provider_name")) == {
        "pro_1": "local",
        "pro_2": "google",
    }
    migrate_to_latest()
