"""Parsing availability and sequenced availability requests into the engine's query types.

The API maps its input onto engine.AvailabilityQuery / engine.SequenceQuery with MemberRequests;
the selector loads the members. JSON paths stay here: when the selector rejects a member request,
member_errors() names it by its path in the body.

Accepts what pycronofy sends (see cronofy-api.md 3.1): members as strings or objects, `required`
"all" or an integer, durations as {"minutes": n}, `available_periods` (legacy) or `query_periods`,
`buffer` as {} and `start_interval` as null when absent. Limits come from scheduling.engine.limits.
"""

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from scheduling import engine
from scheduling.api.availability_fields import (
    BufferSerializer,
    GroupSerializer,
    QuerySlotSerializer,
    periods_field,
)
from scheduling.api.fields import (
    CharField,
    ChoiceField,
    DurationField,
    IntegerField,
    JSONObjectField,
    ListField,
)
from scheduling.engine import limits
from scheduling.engine.model import RESPONSE_FORMATS
from scheduling.errors import MembersRejected, ValidationFailed

# A query as the API builds it: members named, not yet loaded.
Query = engine.AvailabilityQuery[engine.MemberRequest] | engine.SequenceQuery[engine.MemberRequest]


class _QueryBase(serializers.Serializer):
    """Fields shared by plain and sequenced queries."""

    query_periods = periods_field(required=False, min_length=1)
    available_periods = periods_field(required=False, min_length=1)
    minimum_notice = DurationField(required=False, allow_null=True)

    def _query_periods(self, attrs: dict) -> tuple[engine.Interval, ...]:
        periods = attrs.get("query_periods") or attrs.get("available_periods") or []
        return tuple(engine.Interval(p["start"], p["end"]) for p in periods)


def check_start_interval(value: dt.timedelta | None) -> dt.timedelta:
    if value is None:
        return dt.timedelta(minutes=limits.DEFAULT_START_INTERVAL_MINUTES)
    minutes = value.total_seconds() / 60
    if minutes not in limits.ALLOWED_START_INTERVAL_MINUTES:
        raise serializers.ValidationError(
            {"start_interval": ["must be a whole number of minutes from 5 to 1440 dividing a day"]}
        )
    return value


def _check_span(periods: tuple[engine.Interval, ...], field: str) -> None:
    if (
        periods
        and max(p.end for p in periods) - min(p.start for p in periods) > limits.MAX_QUERY_SPAN
    ):
        days = limits.MAX_QUERY_SPAN.days
        raise serializers.ValidationError({field: [f"must span at most {days} days"]})


def _groups(groups: list[dict]) -> tuple[engine.Group[engine.MemberRequest], ...]:
    return tuple(
        engine.Group(tuple(_member(member) for member in group["members"]), group["required"])
        for group in groups
    )


def _member(data: dict) -> engine.MemberRequest:
    periods = data.get("available_periods")
    rule_ids = data.get("availability_rule_ids")
    calendar_ids = data.get("calendar_ids")
    return engine.MemberRequest(
        sub=data["sub"],
        calendar_ids=tuple(calendar_ids) if calendar_ids is not None else None,
        available_periods=(
            tuple(engine.Interval(p["start"], p["end"]) for p in periods) if periods else None
        ),
        managed_availability=data["managed_availability"],
        availability_rule_ids=tuple(rule_ids) if rule_ids is not None else None,
    )


def _group_paths(
    groups: tuple[engine.Group[engine.MemberRequest], ...], prefix: str
) -> Iterator[tuple[engine.MemberRequest, str]]:
    for g, group in enumerate(groups):
        for m, member in enumerate(group.members):
            yield member, f"{prefix}.{g}.members.{m}"


def _member_paths(query: Query) -> Iterator[tuple[engine.MemberRequest, str]]:
    """Each member request of a query built here with its path in the request body."""
    if isinstance(query, engine.SequenceQuery):
        for index, step in enumerate(query.steps):
            yield from _group_paths(step.groups, f"sequence.{index}.participants")
    else:
        yield from _group_paths(query.groups, "participants")


def member_errors(
    exc: MembersRejected,
    query: Query,
) -> ValidationFailed:
    """The selector's rejection of member requests as errors on their fields in the body."""
    # By identity: two members may be equal yet sit at different paths.
    paths = {id(member): path for member, path in _member_paths(query)}
    errors: dict[str, list[tuple[str, str]]] = {}
    for problem in exc.problems:
        field = f"{paths[id(problem.member)]}.{problem.attribute}"
        errors.setdefault(field, []).append((problem.code, problem.description))
    return ValidationFailed(errors)


def _members_named(groups: Any) -> int:
    """The members in raw `participants` input, counted before anything is validated, so that a
    request over MAX_MEMBERS costs no more than one within it (DRF would validate all members of
    all groups first). Groups beyond MAX_GROUPS are refused anyway and not counted; parts of the
    wrong shape count nothing and are refused by validation."""
    if not isinstance(groups, list):
        return 0
    return sum(
        len(group["members"])
        for group in groups[: limits.MAX_GROUPS]
        if isinstance(group, dict) and isinstance(group.get("members"), list)
    )


def _too_many_members(field: str, where: str) -> serializers.ValidationError:
    return serializers.ValidationError(
        {field: [ErrorDetail(f"at most {limits.MAX_MEMBERS} members in {where}", code="too_long")]}
    )


def _buffer(data: dict | None) -> engine.Buffer:
    data = data or {}
    zero = dt.timedelta(0)
    return engine.Buffer(
        before=(data.get("before") or {}).get("duration", zero),
        after=(data.get("after") or {}).get("duration", zero),
    )


class AvailabilityRequestSerializer(_QueryBase):
    participants = ListField(child=GroupSerializer(), min_length=1, max_length=limits.MAX_GROUPS)
    required_duration = DurationField(allow_zero=False)
    query_slots = ListField(
        child=QuerySlotSerializer(),
        required=False,
        min_length=1,
        max_length=limits.MAX_QUERY_SLOTS,
    )
    buffer = BufferSerializer(required=False, allow_null=True)
    start_interval = DurationField(required=False, allow_null=True, allow_zero=False)
    response_format = ChoiceField(choices=RESPONSE_FORMATS, default="periods")
    max_results = IntegerField(
        min_value=1, max_value=limits.MAX_RESULTS, default=limits.DEFAULT_MAX_RESULTS
    )

    def to_internal_value(self, data: Any) -> dict:
        if isinstance(data, dict) and _members_named(data.get("participants")) > limits.MAX_MEMBERS:
            raise _too_many_members("participants", "all")
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        periods = self._query_periods(attrs)
        slots = attrs.get("query_slots")
        if not periods and not slots:
            raise serializers.ValidationError(
                {
                    "query_periods": [
                        "query_periods (or available_periods) or query_slots is required"
                    ]
                },
                code="required",
            )
        if periods and slots:
            raise serializers.ValidationError(
                {"query_slots": ["give either query periods or query slots, not both"]}
            )
        if attrs["required_duration"] > limits.MAX_REQUIRED_DURATION:
            raise serializers.ValidationError({"required_duration": ["is longer than one day"]})
        slot_periods = tuple(
            engine.Interval(s["start"], s["start"] + attrs["required_duration"])
            for s in slots or ()
        )
        _check_span(periods or slot_periods, "query_periods" if periods else "query_slots")
        attrs["start_interval"] = check_start_interval(attrs.get("start_interval"))
        return attrs

    def to_query(self) -> engine.AvailabilityQuery[engine.MemberRequest]:
        data = self.validated_data
        slots = data.get("query_slots")
        return engine.AvailabilityQuery(
            groups=_groups(data["participants"]),
            required_duration=data["required_duration"],
            query_periods=self._query_periods(data),
            query_slots=tuple(sorted(s["start"] for s in slots)) if slots else None,
            buffer=_buffer(data.get("buffer")),
            start_interval=data["start_interval"],
            minimum_notice=data.get("minimum_notice") or dt.timedelta(0),
            response_format=data["response_format"],
            max_results=data["max_results"],
        )


class StepSerializer(serializers.Serializer):
    sequence_id = CharField(max_length=200)
    ordinal = IntegerField(min_value=0, max_value=1000)
    participants = ListField(child=GroupSerializer(), min_length=1, max_length=limits.MAX_GROUPS)
    required_duration = DurationField(allow_zero=False)
    start_interval = DurationField(required=False, allow_null=True, allow_zero=False)
    buffer = BufferSerializer(required=False, allow_null=True)
    available_periods = periods_field(required=False, allow_null=True)
    event = JSONObjectField(required=False)  # what the step's event will be; unused here

    def validate(self, attrs: dict) -> dict:
        if attrs["required_duration"] > limits.MAX_REQUIRED_DURATION:
            raise serializers.ValidationError({"required_duration": ["is longer than one day"]})
        attrs["start_interval"] = check_start_interval(attrs.get("start_interval"))
        return attrs


def _check_gaps(steps: list[dict]) -> None:
    """Neighbouring steps must allow some gap: the larger minimum within the smaller maximum."""
    ordered = sorted(enumerate(steps), key=lambda pair: pair[1]["ordinal"])
    for (_, first), (index, second) in itertools.pairwise(ordered):
        sides = [
            (first.get("buffer") or {}).get("after"),
            (second.get("buffer") or {}).get("before"),
        ]
        minimum = max((s["minimum"] for s in sides if s and s["minimum"]), default=dt.timedelta(0))
        maxima = [s["maximum"] for s in sides if s and s["maximum"] is not None]
        if maxima and minimum > min(maxima):
            raise serializers.ValidationError(
                {
                    f"sequence.{index}.buffer": [
                        "the minimum gap to the previous step exceeds the maximum"
                    ]
                }
            )


def _gap(side: dict | None) -> engine.Gap:
    side = side or {}
    return engine.Gap(minimum=side.get("minimum"), maximum=side.get("maximum"))


class SequencedAvailabilityRequestSerializer(_QueryBase):
    sequence = ListField(child=StepSerializer(), min_length=1, max_length=limits.MAX_SEQUENCE_STEPS)
    max_results = IntegerField(
        min_value=1, max_value=limits.MAX_RESULTS, default=limits.DEFAULT_MAX_SEQUENCES
    )

    def to_internal_value(self, data: Any) -> dict:
        steps = data.get("sequence") if isinstance(data, dict) else None
        if isinstance(steps, list):
            named = sum(
                _members_named(step.get("participants"))
                for step in steps[: limits.MAX_SEQUENCE_STEPS]
                if isinstance(step, dict)
            )
            if named > limits.MAX_MEMBERS:
                raise _too_many_members("sequence", "all steps")
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        periods = self._query_periods(attrs)
        if not periods:
            raise serializers.ValidationError(
                {"query_periods": ["query_periods (or available_periods) is required"]},
                code="required",
            )
        _check_span(periods, "query_periods")
        ordinals = [step["ordinal"] for step in attrs["sequence"]]
        if len(set(ordinals)) != len(ordinals):
            raise serializers.ValidationError({"sequence": ["ordinals must be distinct"]})
        _check_gaps(attrs["sequence"])
        return attrs

    def to_query(self) -> engine.SequenceQuery[engine.MemberRequest]:
        data = self.validated_data
        steps = []
        for step in data["sequence"]:
            buffer = step.get("buffer") or {}
            periods = step.get("available_periods")
            steps.append(
                engine.Step(
                    sequence_id=step["sequence_id"],
                    ordinal=step["ordinal"],
                    groups=_groups(step["participants"]),
                    required_duration=step["required_duration"],
                    start_interval=step["start_interval"],
                    buffer=_buffer(buffer),
                    gap_before=_gap(buffer.get("before")),
                    gap_after=_gap(buffer.get("after")),
                    query_periods=(
                        tuple(engine.Interval(p["start"], p["end"]) for p in periods)
                        if periods
                        else None
                    ),
                )
            )
        return engine.SequenceQuery(
            steps=tuple(steps),
            query_periods=self._query_periods(data),
            minimum_notice=data.get("minimum_notice") or dt.timedelta(0),
            max_results=data["max_results"],
        )
