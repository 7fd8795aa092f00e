"""A stored scheduling request's spec (see SchedulingRequest.spec) read back as typed values.

The availability query is parsed by the same core serializer that validated it on creation, so
the page, the booking and the API share one shape.
"""

import datetime as dt
from dataclasses import dataclass, replace

from scheduling import engine
from scheduling.api.availability_input import (
    AvailabilityRequestSerializer,
    SequencedAvailabilityRequestSerializer,
)

Query = engine.AvailabilityQuery[engine.MemberRequest] | engine.SequenceQuery[engine.MemberRequest]


@dataclass(frozen=True)
class Target:
    sub: str
    calendar_id: str


def availability_query(spec: dict, kind: str) -> Query:
    """The engine query of a stored request, member requests not yet loaded, with the request's
    minimum notice. The stored availability was valid when stored, and parsing is deterministic.
    The picker offers slots: "slots" (back to back) when the request asked for them, else
    "overlapping_slots" (one at every start_interval)."""
    parser_class = (
        AvailabilityRequestSerializer
        if kind == "scheduling"
        else SequencedAvailabilityRequestSerializer
    )
    parser = parser_class(data=spec["availability"])
    parser.is_valid(raise_exception=True)
    query = parser.to_query()
    notice = dt.timedelta(minutes=spec["minimum_notice_minutes"])
    query = replace(query, minimum_notice=max(query.minimum_notice, notice))
    if isinstance(query, engine.AvailabilityQuery):
        given = spec["availability"].get("response_format")
        query = replace(query, response_format="slots" if given == "slots" else "overlapping_slots")
    return query


def targets(spec: dict) -> list[Target]:
    return [Target(t["sub"], t["calendar_id"]) for t in spec["target_calendars"]]


def event_tzid(spec: dict) -> str:
    """The zone the written events and the callback's times carry."""
    return spec.get("tzid") or spec["event"].get("tzid") or "Etc/UTC"


def option_event(spec: dict, sequence_id: str | None) -> dict:
    """The event an option's step writes: the request's event, or a sequence step's own."""
    return spec["event"] if sequence_id is None else step_event(spec, sequence_id)


def step_event(spec: dict, sequence_id: str) -> dict:
    """A sequence step's event: the step's own fields over the request event's, with an event_id
    of its own unless the step names one (the request's event_id suffixed with the sequence_id).
    Steps are found by sequence_id (distinct in a request): options list them in ordinal order,
    which need not be the order the request gave them in."""
    step = next(s for s in spec["availability"]["sequence"] if s["sequence_id"] == sequence_id)
    own = step.get("event") or {}
    base = {k: v for k, v in spec["event"].items() if k != "event_id"}
    event = {**base, **{k: v for k, v in own.items() if v is not None}}
    event.setdefault("event_id", f"{spec['event']['event_id']}_{step['sequence_id']}")
    return event


def member_subs(query: Query) -> list[str]:
    """Every sub the query names, in order, without repeats."""
    groups = (
        [g for step in query.steps for g in step.groups]
        if isinstance(query, engine.SequenceQuery)
        else list(query.groups)
    )
    return list(dict.fromkeys(m.sub for g in groups for m in g.members))


def query_end(query: Query) -> dt.datetime:
    return (
        max(p.end for p in query.query_periods)
        if query.query_periods
        else max(s + query.required_duration for s in query.query_slots or ())
    )
