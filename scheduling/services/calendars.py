"""Calendars an integrator creates in an account's profile."""

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from scheduling.errors import ValidationFailed
from scheduling.ids import new_calendar_id
from scheduling.models import Account, Calendar, Profile

CALENDAR_NAME_MAX = Calendar._meta.get_field("name").max_length
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed.one("name", "required", "A calendar needs a name.")
    if len(name) > CALENDAR_NAME_MAX:
        raise ValidationFailed.one(
            "name",
            "too_long",
            f"Ensure this field has no more than {CALENDAR_NAME_MAX} characters.",
        )
    return name


def _check_color(color: str) -> str:
    if color and not _COLOR.fullmatch(color):
        raise ValidationFailed.one("color", "invalid", "Give a hex colour such as #49BED8.")
    return color


@transaction.atomic
def calendar_create(
    *, account: Account, profile_id: str, name: str, color: str = "", now: dt.datetime | None = None
) -> Calendar:
    """Create a writable calendar in one of the account's profiles.

    A profile of another account is reported exactly like a missing one. A live calendar with the
    same name in the profile is a 422 with the key `errors.duplicate_calendar_name`, which
    pycronofy's create_calendar looks for. The database's conditional unique constraint is the
    only duplicate check, so two concurrent requests for one name cannot both succeed.
    """
    now = now or timezone.now()
    name = _check_name(name)
    color = _check_color(color)
    profile = Profile.objects.filter(account=account, profile_id=profile_id).first()
    if profile is None:
        raise ValidationFailed.one("profile_id", "invalid", f"No profile {profile_id!r}.")
    try:
        with transaction.atomic():
            return Calendar.objects.create(
                calendar_id=new_calendar_id(profile.profile_id),
                account=account,
                profile=profile,
                name=name,
                color=color,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        if not Calendar.objects.filter(profile=profile, name=name, deleted=False).exists():
            raise
    raise ValidationFailed.one(
        "name",
        "duplicate_calendar_name",
        f"The profile already has a calendar named {name!r}.",
    )
