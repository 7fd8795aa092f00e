"""How the booking pages word what they show: options grouped by day in the visitor's zone,
times, durations and names. Plain functions from selector results to small view objects, so the
templates only print.

Local time is used for display only: every instant is converted from UTC on its own, so a day
with a DST change (23 or 25 hours long) groups and labels its times correctly.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bookings import specs
from bookings.booked import BookedEvent
from bookings.models import SchedulingRequest
from bookings.selectors.scheduling_requests import Option, booked_participants
from scheduling import engine
from scheduling.timezones import zone

EN_DASH = "\u2013"


@dataclass(frozen=True)
class StepView:
    # "09:00 to 10:00" (an en dash), with the date of an end on another day than the option
    when: str
    summary: str
    names: str


@dataclass(frozen=True)
class OptionView:
    time: str  # the first step's start, "09:00"
    spoken: str  # the whole option in words, for screen readers and link titles
    url: str
    steps: tuple[StepView, ...]


@dataclass(frozen=True)
class DayView:
    label: str  # "Monday 3 March 2025"
    options: tuple[OptionView, ...]


@dataclass(frozen=True)
class BookedView:
    day: str
    when: str
    summary: str
    description: str
    location: str
    names: str


@dataclass(frozen=True)
class LinkSummary:
    """What the visitor is booking, for every page of the link."""

    summary: str
    duration: str  # "1 hour"; for sequencing, the steps' durations in words
    names: str  # everyone the request may book, "Ada, Grace and Lin"
    steps: tuple[tuple[str, str], ...]  # sequencing: (summary, duration) per step, in order


def names_text(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def duration_text(duration: dt.timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def day_label(moment: dt.datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def clock(moment: dt.datetime) -> str:
    return f"{moment:%H:%M}"


def span_text(start: dt.datetime, end: dt.datetime, tzid: str, day: dt.date | None) -> str:
    """The span in `tzid`, "09:00" and "10:00" joined by an en dash; an end not on `day` names
    its date too."""
    local_start, local_end = start.astimezone(zone(tzid)), end.astimezone(zone(tzid))
    first = clock(local_start)
    if local_start.date() != day:
        first = f"{local_start:%a} {local_start.day} {local_start:%b} {first}"
    last = clock(local_end)
    if local_end.date() != local_start.date():
        last = f"{local_end:%a} {local_end.day} {local_end:%b} {last}"
    return f"{first}{EN_DASH}{last}"


def link_summary(
    scheduling_request: SchedulingRequest, query: specs.Query, names: dict[str, str]
) -> LinkSummary:
    spec = scheduling_request.spec
    everyone = names_text([names[sub] for sub in specs.member_subs(query)])
    if not isinstance(query, engine.SequenceQuery):
        return LinkSummary(
            spec["event"].get("summary", ""), duration_text(query.required_duration), everyone, ()
        )
    steps = tuple(
        (
            specs.step_event(spec, step.sequence_id).get("summary", ""),
            duration_text(step.required_duration),
        )
        for step in sorted(query.steps, key=lambda step: step.ordinal)
    )
    total = ", then ".join(f"{summary} ({length})" for summary, length in steps)
    return LinkSummary(spec["event"].get("summary", ""), total, everyone, steps)


def option_steps(
    scheduling_request: SchedulingRequest,
    query: specs.Query,
    option: Option,
    names: dict[str, str],
    *,
    tzid: str,
    day: dt.date | None,
) -> tuple[StepView, ...]:
    spec = scheduling_request.spec
    views = []
    for step, subs in zip(option, booked_participants(query, option), strict=True):
        event = specs.option_event(spec, step.sequence_id)
        views.append(
            StepView(
                when=span_text(step.start, step.end, tzid, day),
                summary=event.get("summary", ""),
                names=names_text([names.get(sub, sub) for sub in subs]),
            )
        )
    return tuple(views)


def day_views(
    scheduling_request: SchedulingRequest,
    query: specs.Query,
    options: Sequence[Option],
    *,
    tzid: str,
    names: dict[str, str],
    url: Callable[[Option], str],
) -> list[DayView]:
    """The options grouped by the local date of their first step, in time order. Steps are
    spelled out for sequencing only (one event's time is the option itself)."""
    local_zone = zone(tzid)
    days: dict[dt.date, list[OptionView]] = {}
    labels: dict[dt.date, str] = {}
    sequencing = scheduling_request.kind == SchedulingRequest.Kind.SEQUENCING
    for option in options:
        local = option[0].start.astimezone(local_zone)
        day = local.date()
        if day not in days:
            days[day], labels[day] = [], day_label(local)
        end = option[-1].end
        days[day].append(
            OptionView(
                time=clock(local),
                spoken=f"{labels[day]}, {span_text(option[0].start, end, tzid, day)}",
                url=url(option),
                steps=option_steps(scheduling_request, query, option, names, tzid=tzid, day=day)
                if sequencing
                else (),
            )
        )
    return [DayView(labels[day], tuple(views)) for day, views in days.items()]


def booked_views(
    events: Sequence[BookedEvent], names: dict[str, str], tzid: str
) -> list[BookedView]:
    local_zone = zone(tzid)
    views = []
    for event in events:
        local_start = event.start.astimezone(local_zone)
        views.append(
            BookedView(
                day=day_label(local_start),
                when=span_text(event.start, event.end, tzid, local_start.date()),
                summary=event.summary,
                description=event.description,
                location=event.location_text,
                names=names_text([names.get(sub, sub) for sub in event.participants]),
            )
        )
    return views
