"""An application's widget key: the public key booking.js carries in a web page (reference 1.1).

It is no secret (anyone can read it in the page's source), so it is stored as is and shown in
the admin; what keeps it harmless is how little it reaches (bookings/v2/permissions.py). One per
application; rotating it replaces it at once, so pages embedding the old key stop working.

Keys start with WIDGET_KEY_PREFIX, which is how /v2's authentication tells them from API keys
(bookings/v2/authentication.py) without a second lookup.
"""

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import WidgetKey
from scheduling.models import Application

WIDGET_KEY_PREFIX = "widget_"


def _new_key() -> str:
    return WIDGET_KEY_PREFIX + secrets.token_urlsafe(32)


def widget_key_create(*, application: Application, now: dt.datetime | None = None) -> WidgetKey:
    """The application's widget key, created when it has none (an existing key is kept: a
    second "create" must not break the pages that embed the first)."""
    now = now or timezone.now()
    existing = WidgetKey.objects.filter(application=application).first()
    if existing is not None:
        return existing
    try:
        # A savepoint for the race of two first creations: the loser reads the winner's key.
        with transaction.atomic():
            return WidgetKey.objects.create(
                application=application, key=_new_key(), created_at=now, updated_at=now
            )
    except IntegrityError:
        return WidgetKey.objects.get(application=application)


def widget_key_rotate(*, application: Application, now: dt.datetime | None = None) -> WidgetKey:
    """Replace the application's widget key with a new one (creating it when there is none)."""
    now = now or timezone.now()
    with transaction.atomic():
        key = WidgetKey.objects.select_for_update().filter(application=application).first()
        if key is None:
            return widget_key_create(application=application, now=now)
        key.key = _new_key()
        key.updated_at = now
        key.save(update_fields=["key", "updated_at"])
        return key
