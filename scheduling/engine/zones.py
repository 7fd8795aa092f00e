"""IANA time zones by name, for the engine and (through scheduling.timezones) the rest."""

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache(maxsize=512)
def zone(tzid: str) -> ZoneInfo:
    """The zone named `tzid`; ValueError (not zoneinfo's own errors) for a name it does not know."""
    try:
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tzid!r}") from None
