"""Timekit's human durations ("30 minutes", "1 hour 30 minutes", "2 days", "3 days 2 weeks"):
the one parser of every /v2 field and stored setting that holds one. Months and years are not
durations here: their length varies."""

import datetime as dt
import re

UNITS = {
    "second": 1,
    "minute": 60,
    "min": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
}
_PART = re.compile(r"\s*(\d{1,6})\s*([a-z]+?)s?\b\s*(?:,|and\b)?", re.IGNORECASE)


def duration_parse(text: str) -> dt.timedelta | None:
    """A human duration ("1 hour 30 minutes", "2 days"), or None when it is not one."""
    if not isinstance(text, str) or not text.strip() or len(text) > 100:
        return None
    seconds, position = 0, 0
    while position < len(text.rstrip()):
        match = _PART.match(text, position)
        if not match or match.group(2).lower() not in UNITS:
            return None
        seconds += int(match.group(1)) * UNITS[match.group(2).lower()]
        position = match.end()
    return dt.timedelta(seconds=seconds)
