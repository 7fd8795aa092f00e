"""Limits on failed passwords, for every check that goes through Django's `authenticate()`:
allauth's sign-in and re-authentication, and the admin's login. They check the same passwords, so
they count in the same scopes (PASSWORDS in scheduling/ratelimit.py: per address, per login and
address, per login), and a guesser gains nothing by switching between them.

- SignInLockoutBackend, first in AUTHENTICATION_BACKENDS, refuses a check from a locked-out caller
  before any backend compares a password (PermissionDenied stops `authenticate()`), and marks
  the request so that the form can say why.
- failed_password_count, connected to `user_login_failed`, counts every other failure. Django
  sends that signal with the password masked; the login is only ever a hashed cache key.
- AccountAdapter and AdminLoginForm word a lockout, each in its own page's way. The per-login
  limit never locks a person out from everywhere: see scheduling/ratelimit.py.
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scheduling.ratelimit import (
    PASSWORDS,
    Lockout,
    attempt_failure_record,
    attempt_lockout,
    client_ip,
)

LOCKOUT_ATTRIBUTE = "signin_lockout"


def password_login(credentials: dict) -> str:
    """The login a password check names (allauth passes `username` or `email`, the admin
    `username`), as the per-login scopes count it."""
    login = credentials.get("username") or credentials.get("email") or ""
    return str(login).strip().lower()


def request_lockout(request) -> Lockout | None:
    """The lockout SignInLockoutBackend refused this request's password check with, if any."""
    return getattr(request, LOCKOUT_ATTRIBUTE, None)


class SignInLockoutBackend:
    """Authenticates nobody; refuses every password check while its caller is locked out.

    Only `authenticate`: without `get_user` it is never taken for the backend that logged a
    session in (Client.force_login picks the first backend that has one).
    """

    def authenticate(self, request, **credentials):
        if request is None:  # not a sign-in (the shell, a test client's login())
            return None
        lockout = attempt_lockout(
            guard=PASSWORDS,
            ip=client_ip(request),
            identity=password_login(credentials),
            now=timezone.now(),
        )
        if lockout is not None:
            setattr(request, LOCKOUT_ATTRIBUTE, lockout)
            raise PermissionDenied
        return None


def failed_password_count(sender, credentials: dict, request=None, **kwargs) -> None:
    """user_login_failed → one failure, unless the check was refused by a lockout (no password
    was compared)."""
    if request is None or request_lockout(request) is not None:
        return
    attempt_failure_record(
        guard=PASSWORDS,
        ip=client_ip(request),
        identity=password_login(credentials),
        now=timezone.now(),
    )


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with the project's client address and its lockout message."""

    def get_client_ip(self, request) -> str:
        return client_ip(request)

    def authentication_failed(self, request, **credentials) -> None:
        if request_lockout(request) is not None:
            raise self.validation_error("too_many_login_attempts")


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, saying when a lockout refused the check."""

    def get_invalid_login_error(self) -> ValidationError:
        lockout = request_lockout(self.request)
        if lockout is None:
            return super().get_invalid_login_error()
        return ValidationError(lockout.description, code="rate_limited")
