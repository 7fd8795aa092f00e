"""Small builders for readable engine tests: times on one UTC day, members, queries."""

from datetime import UTC, datetime, timedelta

from scheduling.engine import AvailabilityQuery, Group, Interval, Member, availability

DAY = datetime(2025, 3, 3, tzinfo=UTC)  # a Monday


def at(hhmm: str, day: datetime = DAY) -> datetime:
    """'09:30' on DAY (UTC); '+1 09:30' on the next day."""
    offset = 0
    if hhmm.startswith("+"):
        days, hhmm = hhmm[1:].split(" ")
        offset = int(days)
    hours, minutes = map(int, hhmm.split(":"))
    return day + timedelta(days=offset, hours=hours, minutes=minutes)


def span(text: str) -> Interval:
    """'09:00-10:30' as an Interval on DAY."""
    start, end = text.split("-")
    return Interval(at(start), at(end))


def member(sub: str, *busy: str, **options) -> Member:
    return Member(sub=sub, busy=[span(b) for b in busy], **options)


def query(*groups: Group, periods=("08:00-18:00",), minutes=60, **options) -> AvailabilityQuery:
    options.setdefault("now", DAY)
    return AvailabilityQuery(
        groups=groups,
        query_periods=tuple(span(p) for p in periods),
        required_duration=timedelta(minutes=minutes),
        **options,
    )


def hhmm(value: datetime) -> str:
    text = value.astimezone(UTC).strftime("%H:%M")
    days = (value - DAY).days
    return f"+{days} {text}" if days else text


def found(q: AvailabilityQuery) -> list[tuple[str, tuple[str, ...]]]:
    """Results as ('09:00-10:00', participants)."""
    return [(f"{hhmm(r.start)}-{hhmm(r.end)}", r.participants) for r in availability(q)]


def times(q: AvailabilityQuery) -> list[str]:
    return [f"{hhmm(r.start)}-{hhmm(r.end)}" for r in availability(q)]
