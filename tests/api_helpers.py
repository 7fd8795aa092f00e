"""Times for API tests: a Monday well in the future, so that `now` never clips a query."""

import datetime as dt

DAY = dt.datetime(2031, 3, 3, tzinfo=dt.UTC)


def at(hour: float, day: dt.datetime = DAY) -> dt.datetime:
    return day + dt.timedelta(hours=hour)


def z(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def period(start: float, end: float) -> dict:
    return {"start": z(at(start)), "end": z(at(end))}
