"""Test data built through the same services the product uses."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from scheduling.models import (
    Account,
    Application,
    AvailabilityRule,
    AvailablePeriod,
    Calendar,
    ElementToken,
    Event,
)
from scheduling.scopes import READ_WRITE
from scheduling.services.accounts import account_create, user_account_ensure
from scheduling.services.applications import NewApplication, application_create
from scheduling.services.element_tokens import element_token_issue
from scheduling.services.tokens import IssuedTokens, grant_upsert, tokens_issue

_counter = itertools.count(1)
REDIRECT_URI = "http://127.0.0.1:9/oauth/callback"


def make_application(name: str | None = None, redirect_uris=(REDIRECT_URI,)) -> NewApplication:
    return application_create(name=name or f"App {next(_counter)}", redirect_uris=redirect_uris)


def make_account(
    application: Application,
    *,
    kind: str = Account.Kind.APPLICATION_CALENDAR,
    name: str | None = None,
    default_tzid: str = "Etc/UTC",
) -> Account:
    n = next(_counter)
    return account_create(
        kind=kind,
        application=application,
        name=name or f"Account {n}",
        email=f"account{n}@example.test",
        default_tzid=default_tzid,
        application_calendar_id=f"apc-{n}" if kind == Account.Kind.APPLICATION_CALENDAR else "",
    )


def make_user(username: str | None = None, password: str = "correct horse battery"):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.test", password=password
    )


def make_user_account(username: str | None = None) -> Account:
    return user_account_ensure(user=make_user(username))


def make_tokens(
    application: Application, account: Account, scope: str = READ_WRITE
) -> IssuedTokens:
    grant = grant_upsert(application=application, account=account, scope=scope)
    return tokens_issue(grant=grant)


ELEMENT_ORIGIN = "http://127.0.0.1:9"


def make_element_token(
    application: Application,
    *accounts: Account,
    permissions=tuple(ElementToken.Permission),
    origin: str = ELEMENT_ORIGIN,
    now: dt.datetime | None = None,
) -> str:
    """A raw element token for `accounts` (first one first), by default with every permission."""
    return element_token_issue(
        application=application,
        permissions=[str(permission) for permission in permissions],
        subs=[account.sub for account in accounts],
        origin=origin,
        now=now,
    ).token


def primary_calendar(account: Account) -> Calendar:
    return account.calendars.get(primary=True)


def make_event(
    calendar: Calendar,
    start: dt.datetime,
    end: dt.datetime,
    *,
    application: Application | None = None,
    event_id: str | None = None,
    summary: str = "Busy",
    now: dt.datetime | None = None,
    **fields,
) -> Event:
    """An external event, or with `application` and `event_id` one that application manages."""
    event = Event.new(
        calendar=calendar,
        start=start,
        end=end,
        now=now or timezone.now(),
        application=application,
        event_id=event_id,
        summary=summary,
        **fields,
    )
    event.save(force_insert=True)
    return event


def make_available_period(account: Account, start: dt.datetime, end: dt.datetime, period_id=None):
    return AvailablePeriod.objects.create(
        account=account,
        available_period_id=period_id or f"ap-{next(_counter)}",
        start=start,
        end=end,
    )


def make_rule(
    account: Account, *, tzid: str = "Etc/UTC", weekly_periods=None, rule_id=None, calendar_ids=()
):
    return AvailabilityRule.objects.create(
        account=account,
        availability_rule_id=rule_id or f"rule-{next(_counter)}",
        tzid=tzid,
        calendar_ids=list(calendar_ids),
        weekly_periods=weekly_periods
        or [
            {"day": day, "start_time": "09:00", "end_time": "17:00"}
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
        ],
    )
