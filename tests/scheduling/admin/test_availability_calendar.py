"""The account admin edits one thing, the availability calendar: among the account's own live
calendars, saved through the service so that the available periods follow at once."""

import pytest
from django.urls import reverse

from scheduling.models import Account, AvailablePeriod
from scheduling.services.availability_calendars import availability_calendar_set
from scheduling.services.calendars import calendar_create
from tests.api_helpers import at
from tests.factories import make_account, make_event, primary_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def side(account):
    primary = primary_calendar(account)
    return calendar_create(account=account, profile_id=primary.profile.profile_id, name="Open")


def url(account) -> str:
    return reverse("admin:scheduling_account_change", args=[account.pk])


def form(calendar) -> dict:
    return {
        "availability_calendar": calendar.pk if calendar else "",
        # The read-only calendars inline still posts its management form.
        "calendars-TOTAL_FORMS": "0",
        "calendars-INITIAL_FORMS": "0",
        "calendars-MIN_NUM_FORMS": "0",
        "calendars-MAX_NUM_FORMS": "0",
    }


def periods(account) -> list[str]:
    return list(
        AvailablePeriod.objects.filter(account=account).values_list(
            "available_period_id", flat=True
        )
    )


def test_the_choice_is_the_accounts_own_live_calendars(admin_client, app_creds, account, side):
    other = primary_calendar(make_account(app_creds.application))
    response = admin_client.get(url(account))
    choices = response.context["adminform"].form.fields["availability_calendar"].queryset
    assert set(choices) == {primary_calendar(account), side}
    assert other not in choices


def test_saving_sets_the_calendar_through_the_service(admin_client, account, side):
    event = make_event(side, at(9), at(12))
    response = admin_client.post(url(account), form(side))
    assert response.status_code == 302
    assert Account.objects.get(pk=account.pk).availability_calendar == side
    assert periods(account) == [event.event_uid]  # reconciled: not a bare field save

    admin_client.post(url(account), form(None))
    assert Account.objects.get(pk=account.pk).availability_calendar is None
    assert periods(account) == []


def test_another_accounts_calendar_is_refused(admin_client, app_creds, account, side):
    availability_calendar_set(account=account, calendar_id=side.calendar_id)
    other = primary_calendar(make_account(app_creds.application))
    response = admin_client.post(url(account), form(other))
    assert response.status_code == 200
    assert "availability_calendar" in response.context["adminform"].form.errors
    assert Account.objects.get(pk=account.pk).availability_calendar == side


def test_other_fields_stay_read_only(admin_client, account, side):
    admin_client.post(url(account), {**form(side), "name": "Renamed", "email": "x@example.test"})
    account.refresh_from_db()
    assert (account.name, account.availability_calendar) == ("Room A", side)
