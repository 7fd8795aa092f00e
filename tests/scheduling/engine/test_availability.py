"""Unit tests of availability(): one behaviour each, on one UTC day (see builders.py)."""

from dataclasses import replace
from datetime import UTC, timedelta, timezone

from scheduling.engine import Buffer, Group, Interval, Member, Rule, WeeklyPeriod, availability
from tests.scheduling.engine.builders import at, found, member, query, span, times

A = member("acc_a", "10:00-11:00")
B = member("acc_b", "09:00-09:30", "13:00-14:00")


def test_free_member_gets_the_whole_query_period():
    assert found(query(Group((member("acc_a"),)))) == [("08:00-18:00", ("acc_a",))]


def test_busy_blocks_split_periods():
    assert times(query(Group((A,)))) == ["08:00-10:00", "11:00-18:00"]


def test_periods_shorter_than_the_duration_are_dropped():
    busy = member("acc_a", "08:30-12:00")
    assert times(query(Group((busy,)), minutes=60)) == ["12:00-18:00"]


def test_unsorted_and_overlapping_busy_blocks_are_merged():
    busy = member("acc_a", "12:00-13:00", "10:00-11:00", "10:30-12:30", "10:15-10:45")
    assert times(query(Group((busy,)))) == ["08:00-10:00", "13:00-18:00"]


def test_busy_blocks_touching_each_other_leave_no_gap():
    busy = member("acc_a", "10:00-11:00", "11:00-12:00")
    assert times(query(Group((busy,)), minutes=5)) == ["08:00-10:00", "12:00-18:00"]


def test_zero_length_busy_block_blocks_nothing():
    instant = Member("acc_a", [(at("10:00"), at("10:00"))])
    assert times(query(Group((instant,)))) == ["08:00-18:00"]


def test_busy_blocks_may_be_intervals_in_any_utc_offset():
    plus_two = timezone(timedelta(hours=2))
    busy = Member(
        "acc_a", [Interval(at("10:00").astimezone(plus_two), at("11:00").astimezone(UTC))]
    )
    assert times(query(Group((busy,)))) == ["08:00-10:00", "11:00-18:00"]


def test_busy_end_with_microseconds_rounds_up_to_the_next_second():
    busy = Member("acc_a", [(at("08:00"), at("10:00") + timedelta(microseconds=1))])
    assert [r.start for r in availability(query(Group((busy,))))] == [
        at("10:00") + timedelta(seconds=1)
    ]


def test_all_group_needs_every_member_free():
    assert found(query(Group((A, B)))) == [
        ("08:00-09:00", ("acc_a", "acc_b")),
        ("11:00-13:00", ("acc_a", "acc_b")),
        ("14:00-18:00", ("acc_a", "acc_b")),
    ]


def test_required_equal_to_group_size_behaves_like_all():
    assert found(query(Group((A, B), required=2))) == found(query(Group((A, B))))


def test_n_of_m_periods_are_maximal_and_may_overlap():
    a = member("acc_a", "08:00-09:00", "11:00-18:00")
    b = member("acc_b", "08:00-10:00", "12:00-18:00")
    assert found(query(Group((a, b), required=1))) == [
        ("09:00-11:00", ("acc_a",)),
        ("10:00-12:00", ("acc_b",)),
    ]


def test_n_of_m_period_lists_every_member_free_throughout():
    a = member("acc_a", "12:00-18:00")
    b = member("acc_b", "11:00-18:00")
    assert found(query(Group((a, b), required=1))) == [("08:00-12:00", ("acc_a",))]


def test_n_of_m_slot_lists_every_free_member_not_just_n():
    rooms = Group((member("res_1"), member("res_2"), member("res_3", "08:00-09:00")), required=1)
    assert found(query(rooms, periods=("08:00-10:00",), response_format="slots")) == [
        ("08:00-09:00", ("res_1", "res_2")),
        ("09:00-10:00", ("res_1", "res_2", "res_3")),
    ]


def test_every_group_must_be_satisfied():
    people = Group((member("acc_a"), member("acc_b", "08:00-09:00")))
    rooms = Group((member("res_1", "09:00-10:00"), member("res_2", "09:00-11:00")), required=1)
    assert found(query(people, rooms, periods=("08:00-12:00",))) == [
        ("10:00-12:00", ("acc_a", "acc_b", "res_1")),
    ]


def test_participants_follow_query_order_without_duplicates():
    a, b = member("acc_a"), member("acc_b")
    groups = (Group((b, a)), Group((a, member("res_1")), required=1))
    assert found(query(*groups, periods=("08:00-09:00",))) == [
        ("08:00-09:00", ("acc_b", "acc_a", "res_1"))
    ]


def test_a_sub_in_two_groups_is_listed_once_when_free_in_either():
    busy_twin, free_twin = member("acc_a", "08:00-09:00"), member("acc_a")
    groups = (
        Group((busy_twin, member("res_1")), required=1),
        Group((free_twin, member("res_2", "08:00-09:00")), required=1),
    )
    assert found(query(*groups, periods=("08:00-09:00",))) == [("08:00-09:00", ("acc_a", "res_1"))]


def test_a_window_inside_a_reported_one_is_not_reported_again():
    person = Group((member("acc_x", "11:00-13:00"),))
    a = member("acc_a", "10:00-13:00")
    b = member("acc_b", "08:00-09:00", "12:00-13:00")
    c = member("acc_c", "08:00-09:30")
    q = query(person, Group((a, b, c), required=1), periods=("08:00-13:00",), minutes=15)
    assert found(q) == [
        ("08:00-10:00", ("acc_x", "acc_a")),
        ("09:00-11:00", ("acc_x", "acc_b")),
    ]


def test_buffer_before_needs_free_time_after_an_earlier_busy_block():
    q = query(Group((A,)), response_format="slots", buffer=Buffer(before=timedelta(minutes=15)))
    assert times(replace(q, query_periods=(span("11:00-13:00"),))) == ["11:15-12:15"]


def test_buffer_after_needs_free_time_before_a_later_busy_block():
    q = query(Group((A,)), periods=("08:00-10:00",), buffer=Buffer(after=timedelta(minutes=30)))
    assert times(q) == ["08:00-09:30"]


def test_buffer_may_lie_outside_the_query_period():
    q = query(Group((member("acc_a"),)), buffer=Buffer(timedelta(hours=1), timedelta(hours=1)))
    assert times(q) == ["08:00-18:00"]


def test_busy_block_outside_the_query_period_blocks_through_the_buffer():
    early = member("acc_a", "07:00-07:50")
    q = query(Group((early,)), response_format="slots", buffer=Buffer(before=timedelta(minutes=15)))
    assert times(replace(q, query_periods=(span("08:00-10:00"),))) == ["08:15-09:15"]


def test_buffer_does_not_need_rules_or_available_periods():
    managed = member("acc_a", managed=True, available_periods=[span("09:00-10:00")])
    q = query(Group((managed,)), buffer=Buffer(timedelta(minutes=30), timedelta(minutes=30)))
    assert times(q) == ["09:00-10:00"]


def test_now_clips_query_periods():
    assert times(query(Group((A,)), now=at("09:20"))) == ["11:00-18:00"]


def test_minimum_notice_clips_query_periods():
    q = query(Group((A,)), now=at("07:00"), minimum_notice=timedelta(hours=4, minutes=30))
    assert times(q) == ["11:30-18:00"]


def test_periods_start_at_now_rounded_up_to_a_second():
    q = query(Group((member("acc_a"),)), now=at("08:00") + timedelta(microseconds=5))
    assert [r.start for r in availability(q)] == [at("08:00") + timedelta(seconds=1)]


def test_touching_query_periods_join_into_one_window():
    q = query(Group((member("acc_a"),)), periods=("08:00-09:00", "09:00-10:00"), minutes=120)
    assert times(q) == ["08:00-10:00"]


def test_managed_member_is_free_only_inside_their_rules():
    rule = Rule("Etc/UTC", (WeeklyPeriod(0, 9 * 60, 12 * 60), WeeklyPeriod(1, 0, 1440)))
    managed = member("acc_a", "10:00-11:00", managed=True, rules=(rule,))
    assert times(query(Group((managed,)))) == ["09:00-10:00", "11:00-12:00"]


def test_managed_member_available_periods_add_to_their_rules():
    rule = Rule("Etc/UTC", (WeeklyPeriod(0, 9 * 60, 10 * 60),))
    managed = member("acc_a", managed=True, rules=(rule,), available_periods=[span("10:00-11:00")])
    assert times(query(Group((managed,)))) == ["09:00-11:00"]


def test_managed_member_without_rules_or_periods_is_never_free():
    assert times(query(Group((member("acc_a", managed=True),)))) == []


def test_rules_are_ignored_unless_the_member_is_managed():
    rule = Rule("Etc/UTC", (WeeklyPeriod(0, 9 * 60, 10 * 60),))
    assert times(query(Group((member("acc_a", rules=(rule,)),)))) == ["08:00-18:00"]


def test_request_periods_restrict_a_member():
    limited = member("acc_a", request_periods=[span("12:00-14:00"), span("15:00-15:30")])
    assert times(query(Group((limited,)))) == ["12:00-14:00"]


def test_request_periods_intersect_managed_windows():
    managed = member(
        "acc_a",
        managed=True,
        available_periods=[span("09:00-12:00")],
        request_periods=[span("11:00-13:00")],
    )
    assert times(query(Group((managed,)))) == ["11:00-12:00"]


def test_empty_request_periods_make_a_member_never_free():
    assert times(query(Group((member("acc_a", request_periods=[]),)))) == []


def test_request_periods_of_an_n_of_m_member_only_limit_that_member():
    a = member("acc_a", request_periods=[span("08:00-09:00")])
    q = query(Group((a, member("acc_b", "08:00-09:00")), required=1), periods=("08:00-10:00",))
    assert found(q) == [("08:00-09:00", ("acc_a",)), ("09:00-10:00", ("acc_b",))]
