"""Demo data for a fresh install: an application, people, rooms, calendars, events and rules.

Idempotent: a second run finds what the first created (by name or client id) and refreshes it.
Each run issues fresh credentials for the demo application (a new secret, the older ones revoked)
and its accounts (access tokens), because only their hashes are stored. The `admin` superuser gets
a random password when it is created; later runs leave an existing password alone unless asked to
reset it, so seeding never overwrites an operator's password by surprise.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from scheduling.models import Account, Application
from scheduling.scopes import READ_WRITE
from scheduling.services.accounts import resource_create, user_account_ensure
from scheduling.services.application_calendars import application_calendar_upsert
from scheduling.services.applications import (
    application_create,
    application_secret_add,
    application_secret_revoke,
)
from scheduling.services.availability import WeeklyPeriod, availability_rule_upsert
from scheduling.services.events import event_upsert
from scheduling.services.tokens import grant_upsert, tokens_issue
from scheduling.timeformat import TimeValue

DEMO_APPLICATION_NAME = "Demo scheduling app"
DEMO_REDIRECT_URI = "http://127.0.0.1:8000/demo/callback"
ADMIN_USERNAME = "admin"
DEMO_USERNAME = "ada"

# (application_calendar_id, time zone): practitioners the demo app schedules.
APPLICATION_CALENDARS = (("dr-lee", "Europe/London"), ("dr-okafor", "America/New_York"))
# Rooms and equipment: (name, time zone).
RESOURCES = (("Room Atlas", "Europe/London"), ("Projector 2", "Europe/London"))
WORKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


@dataclass(frozen=True)
class DemoAccount:
    sub: str
    name: str
    access_token: str


@dataclass(frozen=True)
class DemoData:
    admin_username: str
    admin_password: str | None  # None: the existing password was kept
    client_id: str
    client_secret: str
    accounts: list[DemoAccount]

    def as_json(self) -> dict:
        return {
            "admin": {"username": self.admin_username, "password": self.admin_password},
            "application": {"client_id": self.client_id, "client_secret": self.client_secret},
            "accounts": [
                {"sub": a.sub, "name": a.name, "access_token": a.access_token}
                for a in self.accounts
            ],
        }


def _user(username: str, *, superuser: bool, reset_password: bool) -> tuple[object, str | None]:
    """The user, with a new random password when created or when asked (else None)."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.com"}
    )
    password = None
    if created or reset_password:
        password = secrets.token_urlsafe(12)
        user.set_password(password)
    user.is_staff = user.is_superuser = superuser
    user.save()
    return user, password


def _application_with_new_secret(now: dt.datetime) -> tuple[Application, str]:
    application = Application.objects.filter(name=DEMO_APPLICATION_NAME).order_by("id").first()
    if application is None:
        created = application_create(
            name=DEMO_APPLICATION_NAME, redirect_uris=[DEMO_REDIRECT_URI], now=now
        )
        return created.application, created.client_secret
    for old in application.secrets.filter(revoked_at__isnull=True):
        application_secret_revoke(secret=old, now=now)
    return application, application_secret_add(application=application, now=now)


def _resource(application: Application, name: str, tzid: str, now: dt.datetime) -> Account:
    existing = Account.objects.filter(
        application=application, kind=Account.Kind.RESOURCE, name=name
    ).first()
    return existing or resource_create(
        application=application, name=name, default_tzid=tzid, now=now
    )


def _next_monday(now: dt.datetime, tzid: str) -> dt.date:
    today = now.astimezone(ZoneInfo(tzid)).date()
    return today + dt.timedelta(days=7 - today.weekday())


def _local(day: dt.date, hour: int, minute: int, tzid: str) -> TimeValue:
    zone = ZoneInfo(tzid)
    return TimeValue(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone), tzid)


def _fill(account: Account, application: Application, now: dt.datetime) -> None:
    """Working hours as a rule, and a few meetings next week (upserted by event_id)."""
    tzid = account.default_tzid
    calendar = account.calendars.get(primary=True)
    availability_rule_upsert(
        account=account,
        availability_rule_id="working_hours",
        tzid=tzid,
        weekly_periods=[WeeklyPeriod(day, "09:00", "17:00") for day in WORKDAYS],
        calendar_ids=[calendar.calendar_id],
        now=now,
    )
    monday = _next_monday(now, tzid)
    meetings = (
        ("standup-mon", "Stand-up", 0, (9, 30), (10, 0)),
        ("review-tue", "Design review", 1, (14, 0), (15, 30)),
        ("lunch-wed", "Team lunch", 2, (12, 0), (13, 0)),
        ("planning-thu", "Planning", 3, (10, 0), (11, 0)),
    )
    for event_id, summary, offset, (sh, sm), (eh, em) in meetings:
        day = monday + dt.timedelta(days=offset)
        event_upsert(
            account=account,
            application=application,
            calendar_id=calendar.calendar_id,
            event_id=event_id,
            summary=summary,
            start=_local(day, sh, sm, tzid),
            end=_local(day, eh, em, tzid),
            tzid=tzid,
            now=now,
        )


@transaction.atomic
def demo_seed(*, reset_admin_password: bool = False, now: dt.datetime | None = None) -> DemoData:
    now = now or timezone.now()
    _, admin_password = _user(ADMIN_USERNAME, superuser=True, reset_password=reset_admin_password)
    application, client_secret = _application_with_new_secret(now)

    accounts: list[tuple[Account, str]] = []
    for application_calendar_id, tzid in APPLICATION_CALENDARS:
        authorized = application_calendar_upsert(
            application=application, application_calendar_id=application_calendar_id, now=now
        )
        account = authorized.account
        if account.default_tzid != tzid:
            account.default_tzid = tzid
            account.updated_at = now
            account.save(update_fields=["default_tzid", "updated_at"])
        accounts.append((account, authorized.tokens.access_token))

    demo_user, _ = _user(DEMO_USERNAME, superuser=False, reset_password=False)
    person = user_account_ensure(user=demo_user, default_tzid="Europe/Berlin", now=now)
    if not person.name:
        person.name = "Ada Demo"
        person.updated_at = now
        person.save(update_fields=["name", "updated_at"])
    grant = grant_upsert(application=application, account=person, scope=READ_WRITE, now=now)
    accounts.append((person, tokens_issue(grant=grant, now=now).access_token))

    for name, tzid in RESOURCES:
        resource = _resource(application, name, tzid, now)
        grant = grant_upsert(application=application, account=resource, scope=READ_WRITE, now=now)
        accounts.append((resource, tokens_issue(grant=grant, now=now).access_token))

    for account, _ in accounts:
        _fill(account, application, now)

    return DemoData(
        admin_username=ADMIN_USERNAME,
        admin_password=admin_password,
        client_id=application.client_id,
        client_secret=client_secret,
        accounts=[DemoAccount(a.sub, a.name, token) for a, token in accounts],
    )
