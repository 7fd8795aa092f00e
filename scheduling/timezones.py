"""IANA time zone names: validation and lookup (zone() is the engine's, re-exported here)."""

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import available_timezones

from scheduling.engine.zones import zone

UTC_TZID = "Etc/UTC"

__all__ = ["UTC_TZID", "is_valid_tzid", "start_of_day", "zone"]


@lru_cache(maxsize=1)
def known_tzids() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_tzid(name: object) -> bool:
    return isinstance(name, str) and name in known_tzids()


def start_of_day(day: date, tzid: str) -> datetime:
    """The first instant of `day` in the zone `tzid`, as an aware UTC datetime.

    zoneinfo resolves a midnight that a DST change skips (fold=0) with the offset in force before
    the change, which lands on the first instant that exists on that day; an ambiguous midnight
    gets its first occurrence.
    """
    return datetime.combine(day, time(0), tzinfo=zone(tzid)).astimezone(UTC)
