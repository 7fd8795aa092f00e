"""Times for API tests: the Monday after the tests' frozen `now` (tests.clock), so that `now`
never clips a query on DAY and default read windows still reach it."""

import datetime as dt

from tests.clock import FROZEN_NOW

DAY = dt.datetime.combine(
    FROZEN_NOW.date() + dt.timedelta(days=7 - FROZEN_NOW.weekday()), dt.time(), tzinfo=dt.UTC
)


def at(hour: float, day: dt.datetime = DAY) -> dt.datetime:
    return day + dt.timedelta(hours=hour)


def z(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def period(start: float, end: float) -> dict:
    return {"start": z(at(start)), "end": z(at(end))}
