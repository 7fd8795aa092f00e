"""Reads of events: the event list (GET /v1/events) and free/busy (GET /v1/free_busy).

A read is first resolved into an EventQuery (a UTC window and filters, JSON round-trippable so a
page token can carry it), then turned into one ordered queryset.

"Managed" is relative to the reading application: its own managed events are the ones
`include_managed`/`only_managed` speak of; other applications' managed events read as external.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet

from scheduling.errors import NotFound
from scheduling.models import Account, Application, Event
from scheduling.selectors.calendars import calendar_write_problem, calendars_owned
from scheduling.selectors.windows import window_resolve
from scheduling.timeformat import TimeValue


class Managed(StrEnum):
    """Which of the reading application's managed events a read includes."""

    EXCLUDE = "exclude"
    INCLUDE = "include"
    ONLY = "only"


@dataclass(frozen=True)
class EventQuery:
    # The reading application: `managed` and the window exemption concern its events only.
    application_id: int
    tzid: str
    window_start: dt.datetime
    window_end: dt.datetime
    # False when the caller gave neither `from` nor `to`: its managed events then ignore the window.
    window_given: bool
    managed: Managed = Managed.EXCLUDE
    calendar_ids: tuple[str, ...] | None = None
    last_modified: dt.datetime | None = None
    include_deleted: bool = False
    include_moved: bool = False
    localized_times: bool = False

    def to_params(self) -> dict[str, Any]:
        """JSON-serialisable form (for page tokens)."""
        return {
            "application_id": self.application_id,
            "tzid": self.tzid,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "window_given": self.window_given,
            "managed": str(self.managed),
            "calendar_ids": list(self.calendar_ids) if self.calendar_ids is not None else None,
            "last_modified": self.last_modified.isoformat() if self.last_modified else None,
            "include_deleted": self.include_deleted,
            "include_moved": self.include_moved,
            "localized_times": self.localized_times,
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "EventQuery":
        last_modified = params["last_modified"]
        calendar_ids = params["calendar_ids"]
        return cls(
            application_id=params["application_id"],
            tzid=params["tzid"],
            window_start=dt.datetime.fromisoformat(params["window_start"]),
            window_end=dt.datetime.fromisoformat(params["window_end"]),
            window_given=params["window_given"],
            managed=Managed(params["managed"]),
            calendar_ids=tuple(calendar_ids) if calendar_ids is not None else None,
            last_modified=dt.datetime.fromisoformat(last_modified) if last_modified else None,
            include_deleted=params["include_deleted"],
            include_moved=params["include_moved"],
            localized_times=params["localized_times"],
        )


def event_query_restore(*, params: dict[str, Any], application: Application) -> EventQuery:
    """The query a page token carried; NotFound unless `application` made the first read (its
    managed events are not another application's, even on the same account)."""
    if params.get("application_id") != application.pk:
        raise NotFound("No such page")
    return EventQuery.from_params(params)


def event_query_build(
    *,
    account: Account,
    application: Application,
    tzid: str,
    from_: TimeValue | None = None,
    to: TimeValue | None = None,
    calendar_ids: list[str] | None = None,
    include_managed: bool = False,
    only_managed: bool = False,
    last_modified: dt.datetime | None = None,
    include_deleted: bool = False,
    include_moved: bool = False,
    localized_times: bool = False,
    now: dt.datetime | None = None,
) -> EventQuery:
    """Resolve a read's parameters: Dates are days in `tzid` (`to` exclusive); defaults are 42 days
    before and 201 days after today in `tzid`. `calendar_ids` must all be the account's (422).
    Managed events are `application`'s (the caller's)."""
    start, end = window_resolve(tzid=tzid, from_=from_, to=to, now=now)
    if calendar_ids is not None:
        calendars = calendars_owned(account=account, calendar_ids=calendar_ids)
        calendar_ids = [calendar.calendar_id for calendar in calendars]
    if only_managed:
        managed = Managed.ONLY
    else:
        managed = Managed.INCLUDE if include_managed else Managed.EXCLUDE
    return EventQuery(
        application_id=application.pk,
        tzid=tzid,
        window_start=start,
        window_end=end,
        window_given=from_ is not None or to is not None,
        managed=managed,
        calendar_ids=tuple(calendar_ids) if calendar_ids is not None else None,
        last_modified=last_modified,
        include_deleted=include_deleted,
        include_moved=include_moved,
        localized_times=localized_times,
    )


def _matching(*, account: Account, query: EventQuery, moved: bool) -> QuerySet[Event]:
    events = Event.objects.filter(calendar__account=account).select_related("calendar")
    if query.calendar_ids is not None:
        events = events.filter(calendar__calendar_id__in=query.calendar_ids)
    own = Q(application_id=query.application_id)
    if query.managed == Managed.EXCLUDE:
        events = events.exclude(own)  # exclude() keeps the NULLs (external events)
    elif query.managed == Managed.ONLY:
        events = events.filter(own)
    if moved:
        window = Q(ever_end__gt=query.window_start, ever_start__lt=query.window_end)
    else:
        window = Q(end__gt=query.window_start, start__lt=query.window_end)
    if not query.window_given:
        window |= own
    return events.filter(window).order_by("start", "id")


def events_for_read(*, account: Account, query: EventQuery) -> QuerySet[Event]:
    """The account's events matching the query, ordered by start, calendars loaded."""
    events = _matching(account=account, query=query, moved=query.include_moved)
    if not query.include_deleted:
        events = events.filter(deleted=False)
    if query.last_modified is not None:
        events = events.filter(updated_at__gte=query.last_modified)
    return events


def free_busy_for_read(*, account: Account, query: EventQuery) -> QuerySet[Event]:
    """Events that make up free/busy: live, not cancelled, overlapping the window now."""
    events = _matching(account=account, query=query, moved=False)
    return events.filter(deleted=False).exclude(status=Event.Status.CANCELLED)


def events_changeable_by(application_id: int) -> Q:
    """The events an application may change (update, delete): external events and the ones it
    manages; other applications' managed events are theirs. `event_writable_by` is the same rule
    for one loaded event."""
    return Q(application__isnull=True) | Q(application_id=application_id)


def event_writable_by(event: Event, application_id: int) -> bool:
    """Whether the application may change (update, delete) the event, as services/events.py
    enforces: an external event or one of its own managed events, in a calendar the services
    write to (calendar_write_problem). Reads loaded fields only: `event.calendar` must be loaded."""
    if event.application_id not in (None, application_id):
        return False
    return calendar_write_problem(event.calendar) is None


def free_busy_status(event: Event) -> str:
    """busy (opaque, confirmed), tentative (opaque, tentative), free (transparent)."""
    if event.transparency == Event.Transparency.TRANSPARENT:
        return "free"
    if event.status == Event.Status.TENTATIVE:
        return "tentative"
    return "busy"
