"""A fast reader for the common case of iCalendar text: plain VEVENTs read without icalendar's
component parser, which costs about 0.3-0.5 ms per event (a 10,000-event import is seconds of it).

The text is split into content lines and components here, with icalendar's own unfolding and a
line grammar stricter than icalendar's: a document with any line outside it, a property outside
a component, unbalanced BEGIN/END or a top-level component other than VCALENDAR returns None, and
the caller parses it with icalendar as before (same values, same errors). Within a VCALENDAR a
VEVENT is "plain" when it has a UID, no RRULE/RDATE/RECURRENCE-ID, no UID shared with a series,
each property read here at most once, and times that decode as icalendar decodes them (TZIDs that
icalendar resolves to an IANA zone). Plain VEVENTs become `PlainEvent`s; everything else (series
and their overrides, odd events, VTIMEZONEs, other components) is handed back as text, in its
original order, for icalendar and recurring_ical_events. Values are read by icalendar's own value
classes wherever they are not trivial (escaped text, anything but the plain time forms), and the
components icalendar would refuse (a broken VALARM, VTIMEZONE, calendar property) are still
parsed by icalendar, cached by their text: a CalDAV server sends the same VTIMEZONE with every
object.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar
from icalendar.parser.content_line import NEWLINE, UFOLD, Contentline
from icalendar.parser.ical.component import ComponentIcalParser
from icalendar.parser_tools import to_unicode
from icalendar.prop import vDuration
from icalendar.timezone import tzp

# NAME, then parameters whose values hold no quote, caret (RFC 6868), backslash or comma (lists),
# then the value after the first colon outside quotes: a line icalendar splits the same way.
_LINE = re.compile(r'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"^\\]*"|[^";:,^\\]+))*):(.*)', re.S)
_PARAM = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^;]*)')
_DATETIME = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})(Z?)")
_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_RECURRENCE = frozenset(("RRULE", "RDATE", "RECURRENCE-ID"))
_TIMES = ("DTSTART", "DTEND", "DURATION")
_TEXTS = ("UID", "SUMMARY", "DESCRIPTION", "LOCATION", "TRANSP", "STATUS")
_READ = frozenset(_TIMES + _TEXTS) | _RECURRENCE
_TYPES = icalendar.Component.types_factory
_DATETIME_NAMES = frozenset(ComponentIcalParser.datetime_names)


class NotPlain(ValueError):
    """This VEVENT (or document) is left to icalendar."""


@dataclass
class _Block:
    """One component: its lines as received (BEGIN and END included), its own properties
    (upper-case name, parameters, value, line), its nested components' lines, and (for a
    VCALENDAR) its children."""

    name: str
    lines: list[str]
    props: list[tuple[str, str, str, str]] = field(default_factory=list)
    nested: list[str] = field(default_factory=list)
    children: list["_Block"] = field(default_factory=list)


@dataclass(frozen=True)
class PlainEvent:
    """A plain VEVENT's values, decoded as icalendar decodes them."""

    uid: str
    start: dt.datetime | dt.date | None
    end: dt.datetime | dt.date | None
    duration: dt.timedelta | None
    summary: str
    description: str
    location: str
    transp: str
    status: str


@dataclass
class SplitCalendar:
    """One VCALENDAR: its plain events (position, event) and the rest as an icalendar
    Calendar (the calendar's properties, every other component in order): `rest_positions`
    are the positions of the VEVENTs among `rest.subcomponents`' VEVENTs."""

    plain: list[tuple[int, PlainEvent]]
    rest: icalendar.Calendar
    rest_positions: list[int]


def split_calendars(text: str | bytes) -> list[SplitCalendar] | None:
    """The VCALENDARs of `text` with their plain events read; None: parse it all with icalendar."""
    try:
        calendars = _components(to_unicode(text))
        if len(calendars) != 1:  # a zone of one VCALENDAR may serve another: icalendar's part
            raise NotPlain("several calendars")
        return [_split(calendars[0])]
    except NotPlain:
        return None


def _components(text: str) -> list[_Block]:
    """The top-level VCALENDARs with their direct children as blocks."""
    calendars: list[_Block] = []
    stack: list[_Block] = []
    for line in NEWLINE.split(UFOLD.sub("", text)):
        if not line:
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise NotPlain(line)
        name, params, value = match.group(1).upper(), match.group(2), match.group(3)
        if name == "BEGIN":
            if params or not re.fullmatch(r"[A-Za-z0-9-]+", value):
                raise NotPlain(line)
            if not stack and value.upper() != "VCALENDAR":
                raise NotPlain(line)
            stack.append(_Block(value.upper(), [line]))
        elif name == "END":
            if not stack or params or value.upper() != stack[-1].name:
                raise NotPlain(line)
            block = stack.pop()
            block.lines.append(line)
            if not stack:
                calendars.append(block)
            elif len(stack) == 1:
                stack[0].children.append(block)
            else:
                stack[-1].lines.extend(block.lines)
                stack[-1].nested.extend(block.lines)
        else:
            if not stack:
                raise NotPlain(line)
            stack[-1].lines.append(line)
            stack[-1].props.append((name, params, value, line))
    if stack or not calendars:
        raise NotPlain("unbalanced")
    return calendars


def _split(calendar: _Block) -> SplitCalendar:
    children = calendar.children
    events = [child for child in children if child.name == "VEVENT"]
    uids = [_uid(event) for event in events]
    recurring = {uid for uid, event in zip(uids, events, strict=True) if _is_recurring(event)}
    plain: list[tuple[int, PlainEvent]] = []
    rest_positions: list[int] = []
    plain_blocks: set[int] = set()
    for position, (uid, event) in enumerate(zip(uids, events, strict=True)):
        try:
            if uid in recurring:
                raise NotPlain(uid)
            plain.append((position, _plain(event, uid)))
            plain_blocks.add(id(event))
        except NotPlain:
            rest_positions.append(position)
    _check_nested(
        tuple(line for event in events if id(event) in plain_blocks for line in event.nested)
    )
    head = [line for *_, line in calendar.props]
    kept = [line for child in children if id(child) not in plain_blocks for line in child.lines]
    rest = _parsed_calendar("\r\n".join([calendar.lines[0], *head, *kept, calendar.lines[-1]]))
    if sum(1 for c in rest.subcomponents if c.name == "VEVENT") != len(rest_positions):
        raise NotPlain("the rest does not parse to the same events")
    return SplitCalendar(plain=plain, rest=rest, rest_positions=rest_positions)


def _is_recurring(event: _Block) -> bool:
    return any(name in _RECURRENCE for name, *_ in event.props)


def _uid(event: _Block) -> str:
    """The UID as `icalendar_events.uid_of` reads it; a VEVENT without one is left to icalendar
    with its whole document (its id is a hash of decoded values)."""
    found = [prop for prop in event.props if prop[0] == "UID"]
    if len(found) != 1:
        raise NotPlain("UID")
    uid = _text(found[0]).strip()
    if not uid:
        raise NotPlain("UID")
    return uid


def _plain(event: _Block, uid: str) -> PlainEvent:
    read: dict[str, tuple[str, str, str, str]] = {}
    for prop in event.props:
        if prop[0] in _READ:
            if prop[0] in read:
                raise NotPlain(prop[0])
            read[prop[0]] = prop
    texts = {name: _text(read[name]) if name in read else None for name in _TEXTS}
    return PlainEvent(
        uid=uid,
        start=_time(read["DTSTART"]) if "DTSTART" in read else None,
        end=_time(read["DTEND"]) if "DTEND" in read else None,
        duration=_duration(read["DURATION"]) if "DURATION" in read else None,
        summary=texts["SUMMARY"] or "",
        description=texts["DESCRIPTION"] or "",
        location=texts["LOCATION"] or "",
        transp=texts["TRANSP"] if texts["TRANSP"] is not None else "OPAQUE",
        status=texts["STATUS"] if texts["STATUS"] is not None else "CONFIRMED",
    )


def _text(prop: tuple[str, str, str, str]) -> str:
    """A TEXT value: as received when it has no escapes, else through icalendar."""
    value = prop[2]
    if "\\" not in value:
        return value
    return str(_icalendar_value(prop))


def _params(params: str) -> dict[str, str]:
    return {
        name.upper(): value[1:-1] if value.startswith('"') else value
        for name, value in _PARAM.findall(params)
    }


def _time(prop: tuple[str, str, str, str]) -> dt.datetime | dt.date:
    """DTSTART/DTEND as icalendar's vDDDTypes decodes them: a date (8 digits, no TZID), a time
    in the TZID's zone (even with a Z), in UTC (Z) or floating; anything else goes to it."""
    params = _params(prop[1])
    tzid = params.get("TZID")
    value = prop[2]
    if (match := _DATETIME.fullmatch(value)) is not None:
        parts = [int(part) for part in match.groups()[:6]]
        try:
            naive = dt.datetime(*parts)  # noqa: DTZ001 (localized below, as icalendar does)
        except ValueError as exc:
            raise NotPlain(value) from exc
        if tzid:
            return tzp.localize(naive, _zone(tzid))
        return tzp.localize_utc(naive) if match.group(7) else naive
    if not tzid and (match := _DATE.fullmatch(value)) is not None:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError as exc:
            raise NotPlain(value) from exc
    raise NotPlain(value)


def _duration(prop: tuple[str, str, str, str]) -> dt.timedelta:
    """DURATION as vDDDTypes decodes a "P..." value (vDuration); anything else goes to it."""
    if "\\" not in prop[2] and prop[2].upper().startswith(("P", "-P", "+P")):
        try:
            return vDuration.from_ical(prop[2])
        except ValueError as exc:
            raise NotPlain(prop[2]) from exc
    value = _icalendar_value(prop).dt
    if not isinstance(value, dt.timedelta):
        raise NotPlain(prop[2])
    return value


@lru_cache(maxsize=256)
def _zone(tzid: str) -> ZoneInfo:
    """icalendar's zone for a TZID that is an IANA name (the same whatever VTIMEZONEs came
    before); other names (Windows names, vendor prefixes, zones built from a VTIMEZONE) may
    depend on what icalendar parsed earlier: left to it."""
    zone = tzp.timezone(tzid)
    if not isinstance(zone, ZoneInfo) or zone.key != tzid:
        raise NotPlain(tzid)
    return zone


def _icalendar_value(prop: tuple[str, str, str, str]):
    """The property value as icalendar's component parser makes it (ComponentIcalParser's
    handle_property and parse_and_add_property), for the rare values not read above."""
    try:
        name, params, vals = Contentline(prop[3]).parts()
        name = name.upper()
        factory = _TYPES.for_property(name, params.value)
        if (from_line := getattr(factory, "get_value_from_content_line", None)) is not None:
            vals = from_line(Contentline(prop[3]))
        tzid = params.get("TZID") if params and name in _DATETIME_NAMES else None
        parsed = factory.from_ical(vals, tzid) if tzid else factory.from_ical(vals)
        value = factory(parsed)
    except (ValueError, TypeError) as exc:
        raise NotPlain(prop[3]) from exc
    value.params = params
    return value


@lru_cache(maxsize=64)
def _parsed_calendar_cached(text: str) -> icalendar.Calendar | ValueError:
    try:
        return icalendar.Calendar.from_ical(text)
    except ValueError as exc:
        return exc


def _parsed_calendar(text: str) -> icalendar.Calendar:
    """The rest of a calendar parsed by icalendar; cached by text when it holds no VEVENT
    (a calendar's properties and VTIMEZONEs, the same for every object of a CalDAV server).
    A text icalendar refuses leaves the whole document to it (and its error)."""
    if "\nBEGIN:VEVENT" in text.upper():
        try:
            parsed = icalendar.Calendar.from_ical(text)
        except ValueError as exc:
            raise NotPlain("icalendar refuses it") from exc
    else:
        parsed = _parsed_calendar_cached(text)
        if isinstance(parsed, ValueError):
            raise NotPlain("icalendar refuses it")
    return parsed


def _check_nested(lines: tuple[str, ...]) -> None:
    """Components inside plain VEVENTs (VALARM) as icalendar would parse them: one it refuses
    makes it refuse the document."""
    if lines and _nested_refused("\r\n".join(lines)):
        raise NotPlain("a nested component icalendar refuses")


@lru_cache(maxsize=1024)
def _nested_refused(text: str) -> bool:
    try:
        icalendar.Component.from_ical(text, multiple=True)
    except ValueError:
        return True
    return False
