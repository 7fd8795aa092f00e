import datetime as dt

import pytest

from bookings.engine.seats import (
    ClassSeats,
    customer_cancel_problem,
    is_open,
    seat_request_problem,
    seats_left,
)

START = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
NOW = START - dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def klass(**changes) -> ClassSeats:
    values = {"start": START, "state": "tentative", "max_seats": 20, "taken_seats": 5}
    return ClassSeats(**(values | changes))


def code(problem):
    return problem and problem.code


def test_seats_left():
    assert seats_left(klass()) == 15


def test_seats_left_is_never_negative():
    assert seats_left(klass(taken_seats=25)) == 0


def test_a_request_that_fits():
    assert seat_request_problem(klass(), seats=15, now=NOW) is None


def test_full():
    assert code(seat_request_problem(klass(), seats=16, now=NOW)) == "class_full"


@pytest.mark.parametrize("seats", [0, -1])
def test_seats_below_one(seats):
    assert code(seat_request_problem(klass(), seats=seats, now=NOW)) == "seats_below_one"


def test_cancelled_class():
    assert code(seat_request_problem(klass(state="cancelled"), seats=1, now=NOW)) == (
        "class_cancelled"
    )


def test_completed_class_is_past():
    assert code(seat_request_problem(klass(state="completed"), seats=1, now=NOW)) == "class_past"


def test_started_class_is_past():
    assert code(seat_request_problem(klass(), seats=1, now=START)) == "class_past"


def test_min_booking_time_closes_booking():
    late = klass(min_booking_time=2 * HOUR)
    assert seat_request_problem(late, seats=1, now=START - 2 * HOUR) is None
    assert code(
        seat_request_problem(late, seats=1, now=START - 2 * HOUR + dt.timedelta(seconds=1))
    ) == ("booking_closed")


def test_max_booking_time_opens_booking():
    early = klass(max_booking_time=48 * HOUR)
    assert seat_request_problem(early, seats=1, now=START - 48 * HOUR) is None
    assert code(seat_request_problem(early, seats=1, now=START - 49 * HOUR)) == "booking_not_open"


def test_is_open():
    assert is_open(klass(), now=NOW)
    assert not is_open(klass(), now=START)
    assert not is_open(klass(state="cancelled"), now=NOW)


def test_customer_cancel_window():
    k = klass(min_cancel_time=HOUR)
    assert customer_cancel_problem(k, now=START - HOUR) is None
    assert code(customer_cancel_problem(k, now=START - HOUR / 2)) == "cancel_closed"
    assert customer_cancel_problem(klass(), now=START) is None
