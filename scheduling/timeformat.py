"""Parsing and formatting of the API's Time, Date and Duration values.

Time: ISO 8601 with an offset (`2024-07-27T09:00:00Z`, `+02:00`, or pycronofy's `UTC` suffix),
normalised to UTC with second precision (the API's Times carry no fractions).
Date: `YYYY-MM-DD`. Duration: {"minutes": n} and/or {"hours": n}, or a bare number of minutes.
"""

import datetime as dt
from dataclasses import dataclass

from scheduling.timezones import is_valid_tzid

UTC = dt.UTC


# Times outside these years are refused, so that adding any Duration to a Time stays in range.
MIN_YEAR = 1900
MAX_YEAR = 9000
# The longest Duration anything takes (buffers, notice, gaps): a leap year.
MAX_DURATION = dt.timedelta(days=366)


class TimeFormatError(ValueError):
    pass


def parse_time(value: object) -> dt.datetime:
    if not isinstance(value, str) or "T" not in value:
        raise TimeFormatError("must be a Time such as 2024-07-27T09:00:00Z")
    text = value.strip()
    if text.endswith("UTC"):
        text = text[:-3] + "Z"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise TimeFormatError("must be a Time such as 2024-07-27T09:00:00Z") from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise TimeFormatError("must include a UTC offset, for example a trailing Z")
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise TimeFormatError(f"must be in the years {MIN_YEAR} to {MAX_YEAR}")
    return parsed.astimezone(UTC).replace(microsecond=0)


def parse_date(value: object) -> dt.date:
    if not isinstance(value, str) or len(value.strip()) != 10:
        raise TimeFormatError("must be a Date such as 2024-07-27")
    try:
        parsed = dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise TimeFormatError("must be a Date such as 2024-07-27") from exc
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise TimeFormatError(f"must be in the years {MIN_YEAR} to {MAX_YEAR}")
    return parsed


@dataclass(frozen=True)
class TimeValue:
    """A Time, or a Date for all-day values, with the time zone it was given in (if any)."""

    value: dt.datetime | dt.date
    tzid: str | None = None

    @property
    def is_date(self) -> bool:
        return not isinstance(self.value, dt.datetime)


def parse_time_value(value: object, *, allow_date: bool) -> TimeValue:
    """A Time, a Date (when allowed), or the object form {"time": ..., "tzid": ...}."""
    tzid = None
    if isinstance(value, dict):
        if "time" not in value:
            raise TimeFormatError("the object form needs a time")
        tzid = value.get("tzid")
        if tzid is not None and not isinstance(tzid, str):
            raise TimeFormatError("the tzid must be a string")
        if tzid is not None and not is_valid_tzid(tzid):
            raise TimeFormatError(f"unknown time zone {tzid[:64]!r}")
        value = value["time"]
    if allow_date and isinstance(value, str) and "T" not in value:
        return TimeValue(parse_date(value), tzid)
    return TimeValue(parse_time(value), tzid)


def format_time(value: dt.datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_date(value: dt.date) -> str:
    return value.isoformat()


def parse_duration(value: object) -> dt.timedelta:
    """{"minutes": n}, {"hours": n}, both, or a bare integer of minutes. Never negative."""
    if isinstance(value, bool):
        raise TimeFormatError('must be a Duration such as {"minutes": 30}')
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, dict) and ({"minutes", "hours"} & value.keys()):
        parts = [value.get("minutes", 0), value.get("hours", 0)]
        if not all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
            raise TimeFormatError("minutes and hours must be whole numbers")
        minutes = parts[0] + 60 * parts[1]
    else:
        raise TimeFormatError('must be a Duration such as {"minutes": 30}')
    if minutes < 0:
        raise TimeFormatError("must not be negative")
    if minutes > MAX_DURATION // dt.timedelta(minutes=1):
        raise TimeFormatError(f"must be at most {MAX_DURATION.days} days")
    return dt.timedelta(minutes=minutes)
