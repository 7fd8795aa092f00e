"""Provider adapters: one module per provider behind `base.Adapter`; `adapter_for` picks one."""

from importlib import import_module

from calendars_sync.providers.base import Adapter, Credentials

_ADAPTERS = {
    "google": "calendars_sync.providers.google.GoogleAdapter",
    "microsoft": "calendars_sync.providers.microsoft.MicrosoftAdapter",
    "caldav": "calendars_sync.providers.caldav.CalDAVAdapter",
    "ics": "calendars_sync.providers.ics.IcsAdapter",
}


def adapter_for(provider: str, credentials: Credentials) -> Adapter:
    """The adapter for `provider` ("google", "microsoft", "caldav", "ics")."""
    module_name, _, class_name = _ADAPTERS[provider].rpartition(".")
    return getattr(import_module(module_name), class_name)(credentials)
