"""Timekit's human durations ("30 minutes", "1 hour 30 minutes", "2 days", "3 days 2 weeks"):
the one language of every /v2 field and stored setting that holds one, as a pattern (which
JSON Schema's ECMA-262 regular expressions read as Python does, so the OpenAPI schema states
exactly what the server accepts) and its parser. Months and years are not durations here: their
length varies."""

import datetime as dt
import re

UNITS = {
    "second": dt.timedelta(seconds=1),
    "minute": dt.timedelta(minutes=1),
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "week": dt.timedelta(weeks=1),
}
_PART = r"[0-9]{1,6} ?(second|minute|hour|day|week)s?"
DURATION_PATTERN = f"^{_PART}( {_PART})*$"
MAX_LENGTH = 100
_PARTS = re.compile(r"([0-9]+) ?(second|minute|hour|day|week)s?")


def duration_parse(text: object) -> dt.timedelta | None:
    """The duration `text` says, or None when it is not one."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return None
    if not re.fullmatch(DURATION_PATTERN, text):
        return None
    return sum((int(n) * UNITS[unit] for n, unit in _PARTS.findall(text)), dt.timedelta())
