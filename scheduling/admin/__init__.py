"""The Django admin for the scheduling core, one module per area.

Only applications are edited here. Everything else is shown read-only: tenant data (accounts,
calendars, events, availability) changes through services, which keep the invariants and send the
change notifications that a plain form save would skip. The admin's few writes (add or revoke a
client secret, revoke a grant, send an outgoing callback again or cancel it, close a push
notification channel, choose an account's availability calendar) are actions or saves that call
those services.

Secrets and tokens are never shown: only their display prefixes, never hashes or encrypted values.
"""

from django.contrib import admin

from scheduling.admin import (
    accounts,
    applications,
    callbacks,
    channels,
    element_tokens,
    events,
    tokens,
)
from scheduling.signin import AdminLoginForm

# The admin's login says so when failed passwords locked the caller out (scheduling/signin.py).
admin.site.login_form = AdminLoginForm

__all__ = [
    "accounts",
    "applications",
    "callbacks",
    "channels",
    "element_tokens",
    "events",
    "tokens",
]
