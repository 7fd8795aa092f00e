"""Accounts (people, application calendars, resources) with their local profile and calendar."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from scheduling.ids import new_calendar_id, new_public_id
from scheduling.models import Account, Application, Calendar, Profile
from scheduling.services.checks import tzid_check

# Cronofy documents "cronofy" as the provider of the calendars it hosts itself (application
# calendars); every calendar this platform keeps locally reports it, so clients recognise them.
HOSTED_PROVIDER = "cronofy"


@transaction.atomic
def account_create(
    *,
    kind: str,
    application: Application | None = None,
    user: AbstractBaseUser | None = None,
    name: str = "",
    email: str = "",
    default_tzid: str = "Etc/UTC",
    application_calendar_id: str = "",
    calendar_name: str | None = None,
    now: dt.datetime | None = None,
) -> Account:
    """Create an account with one local profile holding one primary calendar."""
    tzid_check(default_tzid)
    now = now or timezone.now()
    stamps = {"created_at": now, "updated_at": now}
    account = Account.objects.create(
        sub=new_public_id(Account.SUB_PREFIXES[Account.Kind(kind)]),
        kind=kind,
        application=application,
        user=user,
        name=name,
        email=email,
        default_tzid=default_tzid,
        application_calendar_id=application_calendar_id,
        **stamps,
    )
    profile_id = new_public_id("pro", 10)
    profile = Profile.objects.create(
        profile_id=profile_id,
        account=account,
        provider_name=HOSTED_PROVIDER,
        profile_name=profile_id.removeprefix("pro_"),
        **stamps,
    )
    Calendar.objects.create(
        calendar_id=new_calendar_id(profile_id),
        account=account,
        profile=profile,
        name=calendar_name or name or "Calendar",
        primary=True,
        **stamps,
    )
    return account


def resource_create(
    *,
    application: Application,
    name: str,
    email: str = "",
    default_tzid: str = "Etc/UTC",
    now: dt.datetime | None = None,
) -> Account:
    """A room or a piece of equipment that the application schedules."""
    return account_create(
        kind=Account.Kind.RESOURCE,
        application=application,
        name=name,
        email=email,
        default_tzid=default_tzid,
        now=now,
    )


def user_account_ensure(
    *, user: AbstractBaseUser, default_tzid: str = "Etc/UTC", now: dt.datetime | None = None
) -> Account:
    """The person's account, created on first use (one per signed-in user)."""
    existing = Account.objects.filter(user=user).first()
    if existing is not None:
        return existing
    return account_create(
        kind=Account.Kind.USER,
        user=user,
        name=user.get_full_name() or user.get_username(),
        email=getattr(user, "email", "") or "",
        default_tzid=default_tzid,
        now=now,
    )


def resource_update(
    *,
    resource: Account,
    name: str | None = None,
    email: str | None = None,
    default_tzid: str | None = None,
    now: dt.datetime | None = None,
) -> Account:
    """Change what is given of a resource's name, email and time zone (None: unchanged)."""
    if default_tzid is not None:
        tzid_check(default_tzid)
    changes = {"name": name, "email": email, "default_tzid": default_tzid}
    for attribute, value in changes.items():
        if value is not None:
            setattr(resource, attribute, value)
    resource.updated_at = now or timezone.now()
    resource.save()
    return resource


@transaction.atomic
def resource_delete(*, resource: Account) -> None:
    """Delete a resource with its profile, calendars and their events (cascades)."""
    if resource.kind != Account.Kind.RESOURCE:
        raise ValueError("only resources are deleted here")
    resource.delete()
