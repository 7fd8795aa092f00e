import io
import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from scheduling.models import Account, Application, AvailabilityRule, Event
from scheduling.selectors.credentials import application_for_client_credentials
from tests.api_client import JsonClient

pytestmark = pytest.mark.django_db


def seed(*flags) -> dict:
    out = io.StringIO()
    call_command("seed_demo", "--json", *flags, stdout=out)
    return json.loads(out.getvalue())


def test_seed_demo_prints_credentials_that_work():
    printed = seed()
    assert authenticate(
        username=printed["admin"]["username"], password=printed["admin"]["password"]
    ).is_superuser
    assert application_for_client_credentials(**printed["application"]) is not None
    kinds = set()
    for demo_account in printed["accounts"]:
        response = JsonClient(demo_account["access_token"]).call("GET", "/v1/account")
        assert response.status_code == 200, response.content
        assert response.json()["account"]["account_id"] == demo_account["sub"]
        kinds.add(demo_account["sub"][:4])
    assert kinds == {"acc_", "apc_", "res_"}


def test_seed_demo_loads_calendars_events_and_rules_the_api_reads():
    printed = seed()
    demo_account = printed["accounts"][0]
    api = JsonClient(demo_account["access_token"])
    calendars = api.call("GET", "/v1/calendars").json()["calendars"]
    assert len(calendars) == 1
    events = api.call("GET", "/v1/events?tzid=Etc/UTC&include_managed=true").json()
    assert {e["summary"] for e in events["events"]} >= {"Stand-up", "Design review"}
    rules = api.call("GET", "/v1/availability_rules").json()["availability_rules"]
    assert [r["availability_rule_id"] for r in rules] == ["working_hours"]


def test_seed_demo_twice_refreshes_credentials_without_duplicating_data():
    first = seed()
    counts = (
        Application.objects.count(),
        Account.objects.count(),
        Event.objects.count(),
        AvailabilityRule.objects.count(),
    )
    second = seed()
    assert counts == (
        Application.objects.count(),
        Account.objects.count(),
        Event.objects.count(),
        AvailabilityRule.objects.count(),
    )
    assert second["application"]["client_id"] == first["application"]["client_id"]
    assert [a["sub"] for a in second["accounts"]] == [a["sub"] for a in first["accounts"]]
    # Fresh application secret each run; the older one stops working.
    assert application_for_client_credentials(**first["application"]) is None
    assert application_for_client_credentials(**second["application"]) is not None
    # The admin's password is kept: seeding never overwrites an operator's password by surprise.
    assert second["admin"]["password"] is None
    assert authenticate(username="admin", password=first["admin"]["password"]) is not None


def test_seed_demo_resets_the_admin_password_only_when_asked():
    first = seed()
    reset = seed("--reset-admin-password")
    assert reset["admin"]["password"] not in (None, first["admin"]["password"])
    assert authenticate(username="admin", password=first["admin"]["password"]) is None
    assert authenticate(username="admin", password=reset["admin"]["password"]).is_superuser
