"""Resolution of a read's `from`/`to` into a UTC window (events, free/busy, available periods)."""

import datetime as dt

from django.utils import timezone

from scheduling.errors import ValidationFailed
from scheduling.timeformat import TimeValue
from scheduling.timezones import start_of_day, zone

# Cronofy's documented default window: 42 days back and 201 days ahead of today (in tzid).
DEFAULT_DAYS_BACK = 42
DEFAULT_DAYS_AHEAD = 201


def _bound(value: TimeValue | None, tzid: str, default: dt.date) -> dt.datetime:
    """A Time as is; a Date as the first instant of that day in tzid (or the value's own tzid)."""
    if value is None:
        return start_of_day(default, tzid)
    if value.is_date:
        return start_of_day(value.value, value.tzid or tzid)
    return value.value


def window_resolve(
    *,
    tzid: str,
    from_: TimeValue | None,
    to: TimeValue | None,
    now: dt.datetime | None = None,
) -> tuple[dt.datetime, dt.datetime]:
    """The UTC window [start, end) of a read: Dates are days in `tzid` (`to` exclusive); the
    defaults are 42 days before and 201 days after today in `tzid`. A 422 on `to` unless
    end > start."""
    now = now or timezone.now()
    today = now.astimezone(zone(tzid)).date()
    start = _bound(from_, tzid, today - dt.timedelta(days=DEFAULT_DAYS_BACK))
    end = _bound(to, tzid, today + dt.timedelta(days=DEFAULT_DAYS_AHEAD))
    if end <= start:
        problem = f"to (default: {DEFAULT_DAYS_AHEAD} days after today) must be after from."
        raise ValidationFailed.one("to", "invalid", problem)
    return start, end
