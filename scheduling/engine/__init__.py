"""The availability engine: pure Python, plain data in, plain data out, no Django.

A selector loads members' busy blocks, available periods and rules; the engine answers which
periods or slots suit every group. docs/availability.md describes the semantics.
"""

from scheduling.engine import limits
from scheduling.engine.availability import availability
from scheduling.engine.model import (
    AvailabilityQuery,
    Available,
    Buffer,
    Gap,
    Group,
    Interval,
    Member,
    MemberRequest,
    Rule,
    SequenceItem,
    SequenceQuery,
    Step,
    WeeklyPeriod,
)
from scheduling.engine.sequences import sequenced_availability

__all__ = [
    "AvailabilityQuery",
    "Available",
    "Buffer",
    "Gap",
    "Group",
    "Interval",
    "Member",
    "MemberRequest",
    "Rule",
    "SequenceItem",
    "SequenceQuery",
    "Step",
    "WeeklyPeriod",
    "availability",
    "limits",
    "sequenced_availability",
]
