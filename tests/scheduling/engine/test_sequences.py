"""Unit tests of sequenced_availability()."""

from datetime import timedelta

from scheduling.engine import Buffer, Gap, Group, Interval, SequenceQuery, Step
from scheduling.engine import sequenced_availability as engine_sequences
from tests.scheduling.engine.builders import DAY, at, hhmm, member, span

FREE = member("acc_a")


def step(sequence_id, ordinal, *members, minutes=30, required=None, **options) -> Step:
    return Step(
        sequence_id=sequence_id,
        ordinal=ordinal,
        groups=(Group(tuple(members or (FREE,)), required),),
        required_duration=timedelta(minutes=minutes),
        **options,
    )


def sequences(*steps, periods=("09:00-11:00",), **options) -> list[list[str]]:
    options.setdefault("now", DAY)
    query = SequenceQuery(steps=steps, query_periods=tuple(span(p) for p in periods), **options)
    return [
        [f"{item.sequence_id} {hhmm(item.start)}-{hhmm(item.end)}" for item in found]
        for found in engine_sequences(query)
    ]


def gap(minimum=None, maximum=None) -> Gap:
    def minutes(value):
        return None if value is None else timedelta(minutes=value)

    return Gap(minutes(minimum), minutes(maximum))


def test_each_first_slot_gets_the_earliest_later_steps():
    assert sequences(step("one", 1), step("two", 2), periods=("09:00-10:15",)) == [
        ["one 09:00-09:30", "two 09:30-10:00"],
        ["one 09:15-09:45", "two 09:45-10:15"],
    ]


def test_steps_follow_their_ordinals_not_their_order_in_the_query():
    found = sequences(step("late", 7), step("early", 3), periods=("09:00-10:00",))
    assert found == [["early 09:00-09:30", "late 09:30-10:00"]]


def test_a_later_step_starts_on_its_own_boundaries():
    first = step("one", 1, minutes=20)
    second = step("two", 2, start_interval=timedelta(minutes=30))
    assert sequences(first, second, periods=("09:00-10:00",)) == [
        ["one 09:00-09:20", "two 09:30-10:00"]
    ]


def test_the_larger_minimum_gap_of_two_steps_applies():
    first = step("one", 1, gap_after=gap(minimum=15))
    second = step("two", 2, gap_before=gap(minimum=30))
    assert sequences(first, second, periods=("09:00-10:30",)) == [
        ["one 09:00-09:30", "two 10:00-10:30"]
    ]


def test_a_negative_minimum_gap_never_lets_steps_overlap():
    first = step("one", 1, gap_after=gap(minimum=-20))
    assert sequences(first, step("two", 2), periods=("09:00-10:00",)) == [
        ["one 09:00-09:30", "two 09:30-10:00"]
    ]


def test_the_smaller_maximum_gap_of_two_steps_applies():
    busy_until_ten = member("acc_b", "09:00-10:00")
    first = step("one", 1, gap_after=gap(maximum=60))
    second = step("two", 2, busy_until_ten, gap_before=gap(maximum=15))
    assert sequences(first, second) == [
        ["one 09:15-09:45", "two 10:00-10:30"],
        ["one 09:30-10:00", "two 10:00-10:30"],
        ["one 09:45-10:15", "two 10:15-10:45"],
        ["one 10:00-10:30", "two 10:30-11:00"],
    ]


def test_backtracks_when_the_earliest_second_step_leaves_no_room_for_the_third():
    only_at_ten_fifteen = member("acc_c", "09:00-10:15", "10:45-11:00")
    first = step("one", 1)
    second = step("two", 2, gap_after=gap(maximum=0))
    third = step("three", 3, only_at_ten_fifteen)
    found = sequences(first, second, third, max_results=1)
    assert found == [["one 09:00-09:30", "two 09:45-10:15", "three 10:15-10:45"]]


def test_a_first_slot_without_any_completion_yields_no_sequence():
    late = member("acc_b", "09:00-10:30")
    first = step("one", 1, gap_after=gap(maximum=30))
    assert sequences(first, step("two", 2, late)) == [
        ["one 09:30-10:00", "two 10:30-11:00"],
        ["one 09:45-10:15", "two 10:30-11:00"],
        ["one 10:00-10:30", "two 10:30-11:00"],
    ]


def test_step_query_periods_restrict_only_that_step():
    second = step("two", 2, query_periods=(span("10:00-11:00"),))
    assert sequences(step("one", 1), second, max_results=2) == [
        ["one 09:00-09:30", "two 10:00-10:30"],
        ["one 09:15-09:45", "two 10:00-10:30"],
    ]


def test_step_buffers_keep_distance_from_busy_blocks():
    busy = member("acc_b", "09:00-09:30")
    second = step("two", 2, busy, buffer=Buffer(before=timedelta(minutes=15)))
    assert sequences(step("one", 1), second, max_results=1) == [
        ["one 09:00-09:30", "two 09:45-10:15"]
    ]


def test_minimum_notice_applies_to_every_step():
    found = sequences(
        step("one", 1),
        step("two", 2),
        now=at("08:50"),
        minimum_notice=timedelta(minutes=40),
        max_results=1,
    )
    assert found == [["one 09:30-10:00", "two 10:00-10:30"]]


def test_max_results_limits_the_number_of_sequences():
    assert len(sequences(step("one", 1), step("two", 2), max_results=3)) == 3


def test_a_single_step_is_a_list_of_overlapping_slots():
    assert sequences(step("one", 1, minutes=60), periods=("09:00-10:30",)) == [
        ["one 09:00-10:00"],
        ["one 09:15-10:15"],
        ["one 09:30-10:30"],
    ]


def test_each_item_lists_the_participants_free_for_it():
    rooms = (member("res_1"), member("res_2", "09:30-10:00"))
    query = SequenceQuery(
        steps=(step("talk", 1, *rooms, required=1), step("lunch", 2, *rooms, required=1)),
        query_periods=(Interval(at("09:00"), at("10:00")),),
        now=DAY,
    )
    [(talk, lunch)] = engine_sequences(query)
    assert talk.participants == ("res_1", "res_2")
    assert lunch.participants == ("res_1",)
