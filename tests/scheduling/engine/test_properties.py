"""Property tests: the engine against the minute-by-minute reference on random calendars.

Deterministic (derandomize) and small (a four-hour span) so that the suite stays fast.
"""

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import HealthCheck, assume, given, settings

from scheduling.engine import availability, sequenced_availability
from tests.scheduling.engine.reference import reference_availability, reference_sequences
from tests.scheduling.engine.strategies import (
    BASE,
    consistent_gaps,
    minutes,
    queries,
    sequence_queries,
    tight_sequence_queries,
)

EPOCH_MINUTE = (BASE - datetime(1970, 1, 1, tzinfo=UTC)) // minutes(1)


def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def epoch_minute(value: datetime) -> int:
    return EPOCH_MINUTE + (value - BASE) // minutes(1)


def engine_minutes(results) -> list[tuple[int, int, tuple[str, ...]]]:
    """Results as (start, end) minutes from the Unix epoch, like the reference's."""
    return [(epoch_minute(r.start), epoch_minute(r.end), r.participants) for r in results]


@examples(150)
@given(queries())
def test_availability_matches_minute_reference(query):
    assert engine_minutes(availability(query)) == reference_availability(query)


@examples(100)
@given(queries(with_slots=False, most=1, n_of_m_first=True, managed=0, requested=10, busy=5))
def test_one_n_of_m_group_matches_minute_reference(query):
    assert engine_minutes(availability(query)) == reference_availability(query)


@examples(80)
@given(queries(most=3, n_of_m_first=True, managed=10, requested=10))
def test_n_of_m_with_other_groups_matches_minute_reference(query):
    assert engine_minutes(availability(query)) == reference_availability(query)


@examples(60)
@given(queries(with_slots=False))
def test_every_slot_lies_inside_a_period(query):
    query = replace(query, max_results=1000)
    periods = availability(replace(query, response_format="periods"))
    for fmt in ("slots", "overlapping_slots"):
        for slot in availability(replace(query, response_format=fmt)):
            assert any(p.start <= slot.start and slot.end <= p.end for p in periods)


@examples(100)
@given(sequence_queries())
def test_sequences_match_brute_force(query):
    assume(consistent_gaps(query))
    assert engine_sequences(query) == reference_sequences(query)


@examples(60)
@given(tight_sequence_queries())
def test_sequences_that_need_backtracking_match_brute_force(query):
    assume(consistent_gaps(query))
    assert engine_sequences(query) == reference_sequences(query)


def engine_sequences(query):
    return [
        tuple(
            (
                item.sequence_id,
                epoch_minute(item.start),
                epoch_minute(item.end),
                item.participants,
            )
            for item in sequence
        )
        for sequence in sequenced_availability(query)
    ]
