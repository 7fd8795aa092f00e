"""Reads about one account: its profiles and their calendars.

The account comes from the caller's access token (or a service that just resolved it), so no
visibility check is needed beyond "this account's own rows".
"""

from django.db.models import Prefetch

from scheduling.models import Account, Calendar, Profile


def account_profiles(*, account: Account) -> list[Profile]:
    """The account's profiles, oldest first (one query)."""
    return list(Profile.objects.filter(account=account).order_by("created_at", "id"))


def account_profiles_with_calendars(*, account: Account) -> list[Profile]:
    """The account's profiles, each with `.calendars.all()` prefetched (two queries in all)."""
    calendars = Calendar.objects.order_by("-primary", "name", "id")
    return list(
        Profile.objects.filter(account=account)
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("calendars", queryset=calendars))
    )


def account_linking_profile(*, account: Account) -> Profile | None:
    """The profile a token response names as `linking_profile`: the account's first one."""
    return Profile.objects.filter(account=account).order_by("created_at", "id").first()
