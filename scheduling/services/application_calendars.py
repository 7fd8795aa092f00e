"""Application calendars: accounts an application creates for itself, upserted by its own id."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from scheduling.models import Account, Application
from scheduling.scopes import READ_WRITE
from scheduling.services.accounts import account_create
from scheduling.services.checks import client_id_check
from scheduling.services.tokens import IssuedTokens, grant_upsert, tokens_issue


@dataclass(frozen=True)
class ApplicationCalendarAuthorization:
    account: Account
    tokens: IssuedTokens


def _find(application: Application, application_calendar_id: str) -> Account | None:
    return Account.objects.filter(
        application=application,
        kind=Account.Kind.APPLICATION_CALENDAR,
        application_calendar_id=application_calendar_id,
    ).first()


def _ensure(application: Application, application_calendar_id: str, now: dt.datetime) -> Account:
    """The application calendar with this id, created on first use.

    Two first calls may race past the lookup; the unique constraint lets one insert win and the
    other re-reads the winner's account. The savepoint keeps the outer transaction usable.
    """
    existing = _find(application, application_calendar_id)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return account_create(
                kind=Account.Kind.APPLICATION_CALENDAR,
                application=application,
                application_calendar_id=application_calendar_id,
                name=application_calendar_id,
                now=now,
            )
    except IntegrityError:
        winner = _find(application, application_calendar_id)
        if winner is None:  # the IntegrityError was something else
            raise
        return winner


@transaction.atomic
def application_calendar_upsert(
    *, application: Application, application_calendar_id: str, now: dt.datetime | None = None
) -> ApplicationCalendarAuthorization:
    """Create the application calendar on the first call; every call returns new tokens for it.

    Ids are per application: another application's calendar with the same id is a different
    account. The grant has the `read_write` scope (and is renewed if it had been revoked).
    """
    client_id_check(application_calendar_id, field="application_calendar_id")
    now = now or timezone.now()
    account = _ensure(application, application_calendar_id, now)
    grant = grant_upsert(application=application, account=account, scope=READ_WRITE, now=now)
    return ApplicationCalendarAuthorization(account, tokens_issue(grant=grant, now=now))
