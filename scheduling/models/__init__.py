from scheduling.models.accounts import Account, Profile
from scheduling.models.applications import Application, ApplicationSecret
from scheduling.models.availability import AvailabilityRule, AvailablePeriod
from scheduling.models.cache import CacheEntry
from scheduling.models.calendars import Calendar
from scheduling.models.callbacks import CallbackAttempt, OutgoingCallback
from scheduling.models.channels import Channel
from scheduling.models.element_tokens import ElementToken
from scheduling.models.events import Event
from scheduling.models.tokens import AccessToken, AuthorizationCode, Grant, RefreshToken

__all__ = [
    "AccessToken",
    "Account",
    "Application",
    "ApplicationSecret",
    "AuthorizationCode",
    "AvailabilityRule",
    "AvailablePeriod",
    "CacheEntry",
    "Calendar",
    "CallbackAttempt",
    "Channel",
    "ElementToken",
    "Event",
    "Grant",
    "OutgoingCallback",
    "Profile",
    "RefreshToken",
]
