"""The managed availability services check their input themselves (admin, pages and tasks call
them without the API's serializers)."""

import datetime as dt

import pytest

from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import AvailabilityRule, AvailablePeriod
from scheduling.services.availability import (
    WeeklyPeriod,
    availability_rule_delete,
    availability_rule_upsert,
    available_period_upsert,
)
from tests.factories import make_rule

pytestmark = pytest.mark.django_db

MONDAY = WeeklyPeriod("monday", "09:00", "17:00")
START = dt.datetime(2024, 7, 27, 9, tzinfo=dt.UTC)


def upsert_rule(account, **changes) -> AvailabilityRule:
    arguments = {
        "account": account,
        "availability_rule_id": "default",
        "tzid": "Europe/London",
        "weekly_periods": [MONDAY],
    }
    return availability_rule_upsert(**{**arguments, **changes})


def test_rule_upsert_stores_periods_as_json(account):
    rule = upsert_rule(account, weekly_periods=[MONDAY, WeeklyPeriod("sunday", "00:00", "24:00")])
    assert AvailabilityRule.objects.get(pk=rule.pk).weekly_periods == [
        {"day": "monday", "start_time": "09:00", "end_time": "17:00"},
        {"day": "sunday", "start_time": "00:00", "end_time": "24:00"},
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"availability_rule_id": "x" * 65}, "availability_rule_id"),
        ({"availability_rule_id": "\n"}, "availability_rule_id"),
        ({"tzid": "Nowhere/Special"}, "tzid"),
        ({"weekly_periods": []}, "weekly_periods"),
        ({"weekly_periods": [MONDAY] * 101}, "weekly_periods"),
        ({"weekly_periods": [MONDAY, WeeklyPeriod("monday", "17:00", "09:00")]},
         "weekly_periods.1.end_time"),
        ({"weekly_periods": [WeeklyPeriod("mon", "09:00", "17:00")]}, "weekly_periods.0.day"),
        ({"weekly_periods": [WeeklyPeriod("monday", "24:00", "24:00")]},
         "weekly_periods.0.start_time"),
        ({"calendar_ids": ["cal_nope"]}, "calendar_ids.0"),
    ],
)  # fmt: skip
def test_rule_upsert_rejects_bad_input_and_changes_nothing(account, changes, field):
    make_rule(account, rule_id="default", tzid="Asia/Tokyo")
    with pytest.raises(ValidationFailed) as raised:
        upsert_rule(account, **changes)
    assert field in raised.value.errors
    assert AvailabilityRule.objects.get(account=account).tzid == "Asia/Tokyo"


def test_rule_delete_of_unknown_rule_is_not_found(account):
    with pytest.raises(NotFound):
        availability_rule_delete(account=account, availability_rule_id="nope")


def test_period_upsert_rejects_end_not_after_start(account):
    with pytest.raises(ValidationFailed) as raised:
        available_period_upsert(account=account, available_period_id="p", start=START, end=START)
    assert "end" in raised.value.errors
    assert not AvailablePeriod.objects.exists()
