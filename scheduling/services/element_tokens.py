"""Element tokens: the credentials an application hands to Cronofy's UI Elements on its pages.

An integrator's server asks for one with its API key, naming the accounts (subs) the Elements
may reach, what they may do there (permissions) and the web origin of the page; the browser then
sends it as `?et=` (scheduling/api/authentication.py). Only the token's hash is stored.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from scheduling import credentials
from scheduling.errors import ValidationFailed
from scheduling.models import Application, ElementToken
from scheduling.origins import OriginInvalid, origin_normalize
from scheduling.selectors.access import accounts_visible_to

# Cronofy's documented `expires_in`: 18 hours.
ELEMENT_TOKEN_LIFETIME = dt.timedelta(seconds=64800)


@dataclass(frozen=True)
class IssuedElementToken:
    token: str
    permissions: tuple[str, ...]
    origin: str
    expires_in: int


def element_token_issue(
    *,
    application: Application,
    permissions: Sequence[str],
    subs: Sequence[str],
    origin: str,
    now: dt.datetime | None = None,
) -> IssuedElementToken:
    """A new element token for `subs` (accounts the application sees) with `permissions`, for
    pages of `origin` (kept as browsers send it in the Origin header).

    Raises ValidationFailed on `origin` when it is no http(s) origin, and on `subs.<index>` for a
    sub the application does not see (unknown and foreign alike). Repeated subs and permissions
    count once; the subs keep their first order. Issuing deletes the application's expired tokens,
    so that the table holds live tokens only.
    """
    now = now or timezone.now()
    try:
        origin = origin_normalize(origin)
    except OriginInvalid as exc:
        raise ValidationFailed.one("origin", "invalid", str(exc)) from exc
    visible = set(
        accounts_visible_to(application=application)
        .filter(sub__in=subs)
        .values_list("sub", flat=True)
    )
    unknown = {
        f"subs.{index}": [("unknown_sub", f"{sub!r} is not an account of this application")]
        for index, sub in enumerate(subs)
        if sub not in visible
    }
    if unknown:
        raise ValidationFailed(unknown)
    raw = credentials.new_token()
    permissions = tuple(dict.fromkeys(permissions))
    with transaction.atomic():
        ElementToken.objects.filter(application=application, expires_at__lte=now).delete()
        ElementToken.objects.create(
            application=application,
            token_hash=credentials.hash_token(raw),
            token_prefix=credentials.display_prefix(raw),
            permissions=list(permissions),
            subs=list(dict.fromkeys(subs)),
            origin=origin,
            expires_at=now + ELEMENT_TOKEN_LIFETIME,
            created_at=now,
            updated_at=now,
        )
    return IssuedElementToken(raw, permissions, origin, int(ELEMENT_TOKEN_LIFETIME.total_seconds()))
