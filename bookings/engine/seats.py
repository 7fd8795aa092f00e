"""Seat maths for group bookings: how many seats a class has left and whether a request fits.

A class (a group_owner booking) is open while it is `tentative` (its graph's only open state)
and has not started. Its settings bound when seats may be taken, relative to its start:
`max_booking_time` opens booking that long before, `min_booking_time` closes it that long before.
The service asks these questions again after it has locked the class row; the answers here are
the rule, the lock makes them true at write time.
"""

import datetime as dt
from dataclasses import dataclass

from bookings.engine.graphs import CANCELLED, TENTATIVE


@dataclass(frozen=True, slots=True)
class ClassSeats:
    start: dt.datetime
    state: str
    max_seats: int
    taken_seats: int
    min_booking_time: dt.timedelta | None = None
    max_booking_time: dt.timedelta | None = None
    min_cancel_time: dt.timedelta | None = None


@dataclass(frozen=True, slots=True)
class SeatProblem:
    field: str
    code: str
    description: str


def seats_left(klass: ClassSeats) -> int:
    return max(0, klass.max_seats - klass.taken_seats)


def is_open(klass: ClassSeats, *, now: dt.datetime) -> bool:
    return klass.state == TENTATIVE and now < klass.start


def seat_request_problem(klass: ClassSeats, *, seats: int, now: dt.datetime) -> SeatProblem | None:
    """Why `seats` seats cannot be taken in `klass` at `now`, or None when they fit. Checked in
    this order so the answer names the most lasting reason (a cancelled class stays cancelled)."""
    if seats < 1:
        return SeatProblem("seats", "seats_below_one", "At least one seat must be booked.")
    if klass.state == CANCELLED:
        return SeatProblem("owner_booking_id", "class_cancelled", "The class was cancelled.")
    if klass.state != TENTATIVE or now >= klass.start:
        return SeatProblem("owner_booking_id", "class_past", "The class has already started.")
    if klass.min_booking_time is not None and now > klass.start - klass.min_booking_time:
        return SeatProblem(
            "owner_booking_id", "booking_closed", "Booking for this class has closed."
        )
    if klass.max_booking_time is not None and now < klass.start - klass.max_booking_time:
        return SeatProblem(
            "owner_booking_id", "booking_not_open", "Booking for this class is not open yet."
        )
    left = seats_left(klass)
    if seats > left:
        return SeatProblem("seats", "class_full", f"Only {left} seat(s) left; {seats} requested.")
    return None


def customer_cancel_problem(klass: ClassSeats, *, now: dt.datetime) -> SeatProblem | None:
    """Why a customer can no longer cancel a seat (`min_cancel_time` before the start), or None."""
    if klass.min_cancel_time is not None and now > klass.start - klass.min_cancel_time:
        return SeatProblem("action", "cancel_closed", "The seat can no longer be cancelled.")
    return None
