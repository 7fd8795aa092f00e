"""Services stamp `created_at`/`updated_at` with the `now` they are given (no auto_now).

One case per service family: the rows a call creates carry its `now` in both fields; the rows a
later call changes carry the later `now` in `updated_at` and keep their `created_at`.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.apps import apps

from scheduling.models import Account, AuthorizationCode, RefreshToken
from scheduling.models.base import TimestampedModel
from scheduling.scopes import READ_WRITE
from scheduling.services.accounts import account_create
from scheduling.services.application_calendars import application_calendar_upsert
from scheduling.services.applications import (
    application_create,
    application_secret_add,
    application_secret_revoke,
)
from scheduling.services.availability import (
    WeeklyPeriod,
    availability_rule_upsert,
    available_period_upsert,
)
from scheduling.services.calendars import calendar_create
from scheduling.services.demo import demo_seed
from scheduling.services.oauth import (
    authorization_code_create,
    authorization_code_exchange,
    refresh_token_exchange,
)
from scheduling.services.tokens import grant_revoke, grant_upsert, tokens_issue
from tests.factories import REDIRECT_URI, make_account, make_application, make_user

pytestmark = pytest.mark.django_db

T1 = dt.datetime(2024, 5, 1, 9, 15, 30, 250000, tzinfo=dt.UTC)
# Within an authorization code's lifetime, so one later instant serves every change.
T2 = T1 + dt.timedelta(minutes=7, seconds=3)
SPAN = (dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC), dt.datetime(2024, 7, 1, 10, tzinfo=dt.UTC))
WEEKDAY = [WeeklyPeriod("monday", "09:00", "17:00")]


@pytest.fixture
def world(db):
    """An application and one of its accounts, created by the services at the real clock."""
    created = make_application()
    account = make_account(created.application)
    return SimpleNamespace(application=created.application, account=account)


def stamps(row) -> tuple[dt.datetime, dt.datetime]:
    row.refresh_from_db()
    return row.created_at, row.updated_at


def account_rows(account: Account) -> list:
    return [account, account.profiles.get(), account.calendars.get(primary=True)]


def create_account(world, now):
    account = account_create(
        kind=Account.Kind.RESOURCE, application=world.application, name="Room B", now=now
    )
    return account_rows(account)


def create_application(world, now):
    created = application_create(name="Beta Corp", now=now)
    return [created.application, created.application.secrets.get()]


def add_secret(world, now):
    application_secret_add(application=world.application, now=now)
    return [world.application.secrets.order_by("id").last()]


def create_calendar(world, now):
    profile_id = world.account.profiles.get().profile_id
    return [calendar_create(account=world.account, profile_id=profile_id, name="Extra", now=now)]


def upsert_period(world, now):
    start, end = SPAN
    period = available_period_upsert(
        account=world.account, available_period_id="p1", start=start, end=end, now=now
    )
    return [period]


def upsert_rule(world, now):
    rule = availability_rule_upsert(
        account=world.account,
        availability_rule_id="hours",
        tzid="Europe/London",
        weekly_periods=WEEKDAY,
        now=now,
    )
    return [rule]


def _grant(world, now, scope=READ_WRITE):
    return grant_upsert(application=world.application, account=world.account, scope=scope, now=now)


def issue_tokens(world, now):
    grant = _grant(world, now)
    tokens_issue(grant=grant, now=now)
    return [grant, grant.access_tokens.get(), grant.refresh_tokens.get()]


def create_authorization_code(world, now):
    user = make_user()
    authorization_code_create(
        user=user,
        application=world.application,
        redirect_uri=REDIRECT_URI,
        scope=READ_WRITE,
        now=now,
    )
    account = Account.objects.get(user=user)
    return [*account_rows(account), account.grants.get(), AuthorizationCode.objects.get()]


def upsert_application_calendar(world, now):
    authorized = application_calendar_upsert(
        application=world.application, application_calendar_id="dr-who", now=now
    )
    grant = authorized.tokens.grant
    return [
        *account_rows(authorized.account),
        grant,
        grant.access_tokens.get(),
        grant.refresh_tokens.get(),
    ]


@pytest.mark.parametrize(
    "create",
    [
        create_account,
        create_application,
        add_secret,
        create_calendar,
        upsert_period,
        upsert_rule,
        issue_tokens,
        create_authorization_code,
        upsert_application_calendar,
    ],
)
def test_created_rows_carry_the_services_now(world, create):
    rows = create(world, T1)
    assert rows
    assert {stamps(row) for row in rows} == {(T1, T1)}


def revoke_secret(world, now):
    [secret] = add_secret(world, T1)
    application_secret_revoke(secret=secret, now=now)
    return [secret]


def move_period(world, now):
    [period] = upsert_period(world, T1)
    start, end = SPAN
    available_period_upsert(
        account=world.account,
        available_period_id="p1",
        start=start,
        end=end + dt.timedelta(hours=1),
        now=now,
    )
    return [period]


def replace_rule(world, now):
    [rule] = upsert_rule(world, T1)
    availability_rule_upsert(
        account=world.account,
        availability_rule_id="hours",
        tzid="Europe/Paris",
        weekly_periods=WEEKDAY,
        now=now,
    )
    return [rule]


def rescope_grant(world, now):
    grant = _grant(world, T1)
    _grant(world, now, scope="read_only")
    return [grant]


def revoke_grant(world, now):
    rows = issue_tokens(world, T1)
    grant_revoke(grant=rows[0], now=now)
    return rows


def redeem_code(world, now):
    code = authorization_code_create(
        user=make_user(),
        application=world.application,
        redirect_uri=REDIRECT_URI,
        scope=READ_WRITE,
        now=T1,
    )
    authorization_code_exchange(
        application=world.application, code=code, redirect_uri=REDIRECT_URI, now=now
    )
    return [AuthorizationCode.objects.get()]


def rotate_refresh_token(world, now):
    authorized = application_calendar_upsert(
        application=world.application, application_calendar_id="dr-who", now=T1
    )
    refresh_token_exchange(
        application=world.application, refresh_token=authorized.tokens.refresh_token, now=now
    )
    return [RefreshToken.objects.get(grant=authorized.tokens.grant, revoked_at=now)]


@pytest.mark.parametrize(
    "change",
    [
        revoke_secret,
        move_period,
        replace_rule,
        rescope_grant,
        revoke_grant,
        redeem_code,
        rotate_refresh_token,
    ],
)
def test_changed_rows_carry_the_later_now_and_keep_created_at(world, change):
    rows = change(world, T2)
    assert rows
    assert {stamps(row) for row in rows} == {(T1, T2)}


def timestamped_rows() -> list:
    models = apps.get_app_config("scheduling").get_models()
    return [
        row
        for model in models
        if issubclass(model, TimestampedModel)
        for row in model.objects.all()
    ]


def test_demo_seed_stamps_every_row_it_writes_with_its_now():
    demo_seed(now=T1)
    rows = timestamped_rows()
    assert len(rows) > 20
    assert {(row.created_at, row.updated_at) for row in rows} == {(T1, T1)}
    demo_seed(now=T2)
    stamped = {(row.created_at, row.updated_at) for row in timestamped_rows()}
    # The second run revokes the old secret and issues new secrets and tokens.
    assert stamped == {(T1, T1), (T1, T2), (T2, T2)}
