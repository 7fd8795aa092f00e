"""iCalendar text in and out, shared by the CalDAV and ICS adapters.

In: a VCALENDAR becomes `RemoteEvent`s within a window, recurrences expanded by
recurring_ical_events (RRULE, RDATE, EXDATE, overridden instances with RECURRENCE-ID, local time
kept across DST changes). A series is named by the caller (the UID for a feed, the object's href
for CalDAV, whose objects each hold one series): a single event's remote id is its series id, an
instance's is `f"{series_id}#{key}"`, the key being its RECURRENCE-ID (the original start, which an
override keeps) in UTC compact form, so the id stays stable when one instance is moved. Cancelled
instances (STATUS:CANCELLED) are left out: the service treats them as gone. The adapters call
`events_from_text`: plain events are read by icalendar_fast, the same values as icalendar's.

Out: an `OutgoingEvent` becomes a VCALENDAR with one VEVENT (UID, DTSTAMP, a VTIMEZONE for its
zone) that a CalDAV server accepts.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from calendars_sync.providers import icalendar_fast
from calendars_sync.providers.base import SERIES_SEPARATOR, OutgoingEvent, RemoteEvent

Window = tuple[dt.datetime, dt.datetime]
_RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "RECURRENCE-ID")
PRODID = "-//calendars_sync//EN"


class NotICalendar(ValueError):
    """The text is not an iCalendar object (no VCALENDAR, or unparsable)."""


def parse_calendars(text: str | bytes) -> list[icalendar.Calendar]:
    """Every VCALENDAR in `text` (a feed may hold several); NotICalendar when there is none."""
    _check_vcalendar(text)
    raw = text.encode() if isinstance(text, str) else text
    try:
        calendars = icalendar.Calendar.from_ical(raw, multiple=True)
    except ValueError as exc:
        raise NotICalendar(f"the iCalendar document cannot be parsed: {exc}") from exc
    found = [cal for cal in calendars if cal.name == "VCALENDAR"]
    if not found:
        raise NotICalendar("the document holds no VCALENDAR")
    return found


def _check_vcalendar(text: str | bytes) -> None:
    raw = text.encode() if isinstance(text, str) else text
    if b"BEGIN:VCALENDAR" not in raw[:2000].upper():
        raise NotICalendar("the document is not iCalendar (no BEGIN:VCALENDAR)")


def instance_key(value: dt.datetime | dt.date) -> str:
    """An instance's original start in compact form: UTC for times, the date for days."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.strftime("%Y%m%dT%H%M%S")
        return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def uid_of(component: icalendar.Component) -> str:
    """The UID, or (for a feed that leaves it out) a stable hash of start and summary."""
    if uid := str(component.get("UID", "")).strip():
        return uid
    seed = f"{component.get('DTSTART') and component.decoded('DTSTART')}|{component.get('SUMMARY')}"
    return "nouid-" + hashlib.sha256(seed.encode()).hexdigest()[:24]


def events_in_window(
    calendar: icalendar.Calendar, *, window: Window, series_id: Callable[[str], str] = str
) -> list[RemoteEvent]:
    """The VEVENT instances of `calendar` that overlap `window`; `series_id(uid)` names a series."""
    vevents = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    return _instances(calendar, list(enumerate(vevents)), window=window, series_id=series_id)


def _instances(
    calendar: icalendar.Calendar,
    vevents: list[tuple[int, icalendar.Component | icalendar_fast.PlainEvent]],
    *,
    window: Window,
    series_id: Callable[[str], str],
) -> list[RemoteEvent]:
    """`vevents` in the calendar's order (icalendar components, or plain events read by
    icalendar_fast; the calendar holds the components and the recurring ones all).

    Single events skip recurring_ical_events (a plain overlap test): most objects are single,
    and the expander's set-up per calendar is the cost of a 10,000-event import."""
    recurring_uids = {
        uid_of(c)
        for _, c in vevents
        if not isinstance(c, icalendar_fast.PlainEvent)
        and any(p in c for p in _RECURRENCE_PROPERTIES)
    }
    found: dict[str, RemoteEvent] = {}
    floating = _calendar_zone(calendar)
    for _, component in sorted(vevents, key=lambda item: item[0]):
        if isinstance(component, icalendar_fast.PlainEvent):
            event = _plain_event(component, series_id(component.uid), floating)
        elif (uid := uid_of(component)) in recurring_uids:
            continue
        else:
            event = _remote_event(component, series_id(uid), floating)
        if event and _overlaps(event, window):
            found.setdefault(event.remote_id, event)
    if recurring_uids:
        for occurrence in _recurring_part(calendar, recurring_uids).between(*window):
            uid = uid_of(occurrence)
            if uid not in recurring_uids:
                continue
            original = occurrence.get("RECURRENCE-ID")
            key = instance_key(original.dt if original else occurrence.decoded("DTSTART"))
            remote_id = f"{series_id(uid)}{SERIES_SEPARATOR}{key}"
            if event := _remote_event(occurrence, remote_id, floating):
                found.setdefault(remote_id, event)
    return list(found.values())


def events_of(
    calendars: Iterable[icalendar.Calendar],
    *,
    window: Window,
    series_id: Callable[[str], str] = str,
) -> list[RemoteEvent]:
    """`events_in_window` over several calendars, a remote id counted once."""
    found: dict[str, RemoteEvent] = {}
    for calendar in calendars:
        for event in events_in_window(calendar, window=window, series_id=series_id):
            found.setdefault(event.remote_id, event)
    return list(found.values())


def events_from_text(
    text: str | bytes, *, window: Window, series_id: Callable[[str], str] = str
) -> list[RemoteEvent]:
    """`events_of(parse_calendars(text))`, the same events and errors, in a fraction of the time:
    plain VEVENTs are read by icalendar_fast, only the rest is parsed by icalendar (the whole
    text when icalendar_fast leaves it to icalendar)."""
    _check_vcalendar(text)
    split = icalendar_fast.split_calendars(text)
    if split is None:
        return events_of(parse_calendars(text), window=window, series_id=series_id)
    found: dict[str, RemoteEvent] = {}
    for part in split:
        rest = [c for c in part.rest.subcomponents if c.name == "VEVENT"]
        vevents = [*part.plain, *zip(part.rest_positions, rest, strict=True)]
        for event in _instances(part.rest, vevents, window=window, series_id=series_id):
            found.setdefault(event.remote_id, event)
    return list(found.values())


def _recurring_part(
    calendar: icalendar.Calendar, uids: set[str]
) -> recurring_ical_events.CalendarQuery:
    """The expander over the recurring series alone (with the calendar's properties and zones):
    it would otherwise build a series for every single event too."""
    part = icalendar.Calendar()
    for name, value in calendar.property_items(recursive=False):
        if name not in ("BEGIN", "END"):
            part.add(name, value, encode=False)
    for component in calendar.subcomponents:
        if component.name != "VEVENT" or uid_of(component) in uids:
            part.add_component(component)
    return recurring_ical_events.of(part)


def _calendar_zone(calendar: icalendar.Calendar) -> dt.tzinfo | None:
    """X-WR-TIMEZONE: the zone floating times of a feed mean (Google's exports use it)."""
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    try:
        return ZoneInfo(name) if name else None
    except (ValueError, KeyError, OSError):
        return None


def _remote_event(
    component: icalendar.Component, remote_id: str, floating: dt.tzinfo | None
) -> RemoteEvent | None:
    """One VEVENT (or expanded instance) as a RemoteEvent; None when cancelled or startless."""
    status = str(component.get("STATUS", "CONFIRMED")).upper()
    if status == "CANCELLED" or "DTSTART" not in component:
        return None
    start = component.decoded("DTSTART")
    if "DTEND" in component:
        end, duration = component.decoded("DTEND"), None
    else:
        end = None
        duration = component.decoded("DURATION") if "DURATION" in component else None
    return _event(
        remote_id,
        start=start,
        end=end,
        duration=duration,
        texts=(component.get("SUMMARY", ""), component.get("DESCRIPTION", "")),
        location=component.get("LOCATION", ""),
        transp=component.get("TRANSP", "OPAQUE"),
        status=status,
        floating=floating,
    )


def _plain_event(
    event: icalendar_fast.PlainEvent, remote_id: str, floating: dt.tzinfo | None
) -> RemoteEvent | None:
    """A plain VEVENT read by icalendar_fast, through the same steps as `_remote_event`."""
    status = event.status.upper()
    if status == "CANCELLED" or event.start is None:
        return None
    return _event(
        remote_id,
        start=event.start,
        end=event.end,
        duration=event.duration if event.end is None else None,
        texts=(event.summary, event.description),
        location=event.location,
        transp=event.transp,
        status=status,
        floating=floating,
    )


def _event(remote_id: str, *, start, end, duration, texts, location, transp, status, floating):
    if end is None and duration is not None:
        end = start + duration
    elif end is None:  # RFC 5545 3.6.1: a day for a date, zero length for a time
        end = start + dt.timedelta(days=1) if not isinstance(start, dt.datetime) else start
    tzid = _zone_name(start)
    if isinstance(start, dt.datetime):
        start, end = _aware(start, floating), _aware(_as_datetime(end), floating)
    elif isinstance(end, dt.datetime):
        end = end.date()
    return RemoteEvent(
        remote_id=remote_id,
        start=start,
        end=max(end, start),
        summary=str(texts[0]),
        description=str(texts[1]),
        location=str(location),
        tzid=tzid,
        transparent=str(transp).upper() == "TRANSPARENT",
        status="tentative" if status == "TENTATIVE" else "confirmed",
    )


def _as_datetime(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)


def _aware(value: dt.datetime, floating: dt.tzinfo | None) -> dt.datetime:
    """A floating time is read in the calendar's zone (X-WR-TIMEZONE), else UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=floating or dt.UTC)
    return value


def _zone_name(value: dt.datetime | dt.date) -> str | None:
    tzinfo = value.tzinfo if isinstance(value, dt.datetime) else None
    key = getattr(tzinfo, "key", None)
    return key if isinstance(key, str) and key else None


def _overlaps(event: RemoteEvent, window: Window) -> bool:
    start, end = _as_datetime(event.start), _as_datetime(event.end)
    if start == end:  # a zero-length event is in the window when it starts in it
        return window[0] <= start < window[1]
    return start < window[1] and end > window[0]


def calendar_text(event: OutgoingEvent, *, now: dt.datetime | None = None) -> str:
    """`event` as a VCALENDAR with one VEVENT, ready for a CalDAV PUT.

    Times are written in the event's zone with a VTIMEZONE (RFC 5545 3.2.19 wants one per TZID),
    UTC as UTC; all-day events as dates, end exclusive."""
    if not event.uid:
        raise ValueError("an outgoing event needs a uid")
    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    vevent = icalendar.Event()
    vevent.add("UID", event.uid)
    vevent.add("DTSTAMP", (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC))
    vevent.add("DTSTART", _outgoing_time(event.start, event.tzid))
    vevent.add("DTEND", _outgoing_time(event.end, event.tzid))
    vevent.add("SUMMARY", event.summary)
    if event.description:
        vevent.add("DESCRIPTION", event.description)
    if event.location:
        vevent.add("LOCATION", event.location)
    vevent.add("TRANSP", "TRANSPARENT" if event.transparent else "OPAQUE")
    calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def _outgoing_time(value: dt.datetime | dt.date, tzid: str) -> dt.datetime | dt.date:
    if not isinstance(value, dt.datetime):
        return value
    if value.tzinfo is None:
        raise ValueError("outgoing times must be aware")
    if tzid in ("", "UTC", "Etc/UTC"):
        return value.astimezone(dt.UTC)
    return value.astimezone(ZoneInfo(tzid))
