"""Plain data in and out of the availability engine (no behaviour beyond validation).

A query is written once, by whoever asks (the API, a booking page), with each member named by a
MemberRequest; a selector loads those members (busy blocks, rules, periods) and swaps a Member in
for each, and the engine runs the query. Group, AvailabilityQuery, Step and SequenceQuery are
generic over that member type, so the question keeps one shape from the edge to the engine.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from scheduling.engine import limits

RESPONSE_FORMATS = ("periods", "slots", "overlapping_slots")
# Day names as the API and stored rules spell them, in the order WeeklyPeriod.day counts them.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Interval(NamedTuple):
    """A half-open span of time [start, end); aware datetimes, start < end."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class WeeklyPeriod:
    """One weekly window in a rule's local time: day 0=Monday..6=Sunday (an index into WEEKDAYS),
    minutes after midnight."""

    day: int
    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.day <= 6:
            raise ValueError(f"weekly period day must be 0..6, got {self.day}")
        if not 0 <= self.start_minute < self.end_minute <= 1440:
            raise ValueError(
                "weekly period needs 0 <= start_minute < end_minute <= 1440, "
                f"got {self.start_minute}..{self.end_minute}"
            )


@dataclass(frozen=True, slots=True)
class Rule:
    """An availability rule: weekly periods in the rule's IANA time zone."""

    tzid: str
    weekly_periods: tuple[WeeklyPeriod, ...]


@dataclass(frozen=True, slots=True)
class MemberRequest:
    """A member as a query names it, before anything about it is loaded.

    `calendar_ids`: the calendars whose events count as busy (None: the selector decides);
    `available_periods`: this member's own windows in this query (None: no limit of its own);
    `managed_availability`: use the account's availability rules and available periods;
    `availability_rule_ids`: only these rules (implies managed availability).
    """

    sub: str
    calendar_ids: tuple[str, ...] | None = None
    available_periods: tuple[Interval, ...] | None = None
    managed_availability: bool = False
    availability_rule_ids: tuple[str, ...] | None = None

    @property
    def managed(self) -> bool:
        return self.managed_availability or self.availability_rule_ids is not None


@dataclass(frozen=True, slots=True)
class Member:
    """A participant: busy blocks plus, optionally, the windows they may be booked in."""

    sub: str
    busy: Sequence[tuple[datetime, datetime]]
    managed: bool = False
    rules: tuple[Rule, ...] = ()
    available_periods: Sequence[tuple[datetime, datetime]] = ()
    request_periods: Sequence[tuple[datetime, datetime]] | None = None


@dataclass(frozen=True, slots=True)
class Group[M]:
    """Members that must all be free (required None) or at least `required` of them."""

    members: tuple[M, ...]
    required: int | None = None


@dataclass(frozen=True, slots=True)
class Buffer:
    """Free time a member needs before and after a slot, relative to busy blocks only."""

    before: timedelta = timedelta(0)
    after: timedelta = timedelta(0)


@dataclass(frozen=True, slots=True)
class AvailabilityQuery[M]:
    """Periods or slots of `required_duration` within the query periods (or exactly the query
    slots) that suit every group. `now` may stay None until the query is run (a selector sets it);
    the engine refuses a query without it."""

    groups: tuple[Group[M], ...]
    query_periods: tuple[Interval, ...]
    required_duration: timedelta
    now: datetime | None = None
    buffer: Buffer = Buffer()
    start_interval: timedelta = timedelta(minutes=limits.DEFAULT_START_INTERVAL_MINUTES)
    minimum_notice: timedelta = timedelta(0)
    max_results: int = limits.DEFAULT_MAX_RESULTS
    response_format: str = "periods"
    query_slots: tuple[datetime, ...] | None = None


@dataclass(frozen=True, slots=True)
class Available:
    """A period or slot and the subs of every member free for all of it, in query order."""

    start: datetime
    end: datetime
    participants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Gap:
    """Bounds on the time between two consecutive sequence steps (None = unbounded)."""

    minimum: timedelta | None = None
    maximum: timedelta | None = None

    def __post_init__(self) -> None:
        if self.maximum is not None and self.maximum < timedelta(0):
            raise ValueError("gap maximum must not be negative")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("gap minimum must not exceed its maximum")


@dataclass(frozen=True, slots=True)
class Step[M]:
    sequence_id: str
    ordinal: int
    groups: tuple[Group[M], ...]
    required_duration: timedelta
    start_interval: timedelta = timedelta(minutes=limits.DEFAULT_START_INTERVAL_MINUTES)
    buffer: Buffer = Buffer()
    gap_before: Gap = Gap()
    gap_after: Gap = Gap()
    query_periods: tuple[Interval, ...] | None = None


@dataclass(frozen=True, slots=True)
class SequenceQuery[M]:
    """One slot per step, steps in ordinal order; `now` as in AvailabilityQuery."""

    steps: tuple[Step[M], ...]
    query_periods: tuple[Interval, ...]
    now: datetime | None = None
    minimum_notice: timedelta = timedelta(0)
    max_results: int = limits.DEFAULT_MAX_SEQUENCES


@dataclass(frozen=True, slots=True)
class SequenceItem:
    sequence_id: str
    start: datetime
    end: datetime
    participants: tuple[str, ...]
