"""Reads about the people on a booking page: the names of those the visitor will meet, and the
visitor's own calendar here (for "add to my calendar").

(Selectors, kept beside bookings/selectors.py while that module is being written.)
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from scheduling.models import Account, Application, Calendar
from scheduling.selectors.access import accounts_visible_to
from scheduling.selectors.calendars import calendar_write_problem


def participant_names(*, application: Application, subs: Iterable[str]) -> dict[str, str]:
    """sub -> the account's name (its sub when it has none), for the accounts the application
    may use: a request only names those (it was checked on creation), and a grant revoked since
    must not leak a name. One query."""
    wanted = set(subs)
    names = dict(
        accounts_visible_to(application=application)
        .filter(sub__in=wanted)
        .values_list("sub", "name")
    )
    return {sub: names.get(sub) or sub for sub in wanted}


def visitor_calendar(*, user: AbstractBaseUser) -> Calendar | None:
    """The signed-in visitor's primary calendar here, when they have an account (one is made the
    first time they authorize an application) and may write to it; else None. One query."""
    if not user.is_authenticated:
        return None
    calendar = (
        Calendar.objects.filter(account__user=user, account__kind=Account.Kind.USER, primary=True)
        .select_related("account")
        .first()
    )
    if calendar is None or calendar_write_problem(calendar):
        return None
    return calendar
