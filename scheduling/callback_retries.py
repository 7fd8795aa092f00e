"""When a failed callback is tried again: exponential backoff with jitter, over about a day.

Attempt 1 goes out at once. After attempt n fails, the next waits 30 s * 2**(n-1), capped at 6 h,
then moved by up to ±10 % (jitter, so that callbacks that failed together, say while a receiver
was down, do not all come back in the same second). 13 attempts in all: the waits are 30 s, 1, 2,
4, 8, 16, 32 min, 1 h 4, 2 h 8, 4 h 16, then 6 h twice, about 20.5 hours from the first attempt to
the last, after which the callback is failed.

Pure arithmetic: the random fraction is an input, so that the schedule is testable line by line.
"""

import datetime as dt

MAX_ATTEMPTS = 13
FIRST_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=6)
JITTER = 0.1  # the wait moves by up to ±10 %


def base_delay(attempts: int) -> dt.timedelta:
    """The wait after `attempts` failed attempts, before jitter."""
    return min(FIRST_DELAY * 2 ** (attempts - 1), MAX_DELAY)


def retry_delay(attempts: int, fraction: float) -> dt.timedelta | None:
    """The wait before the next attempt once `attempts` attempts have failed, or None when that
    was the last. `fraction` in [0, 1) picks the jitter: 0 is 10 % early, 0.5 on time."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return base_delay(attempts) * (1 + JITTER * (2 * fraction - 1))


def total_span() -> dt.timedelta:
    """From the first attempt to the last, without jitter."""
    return sum((base_delay(n) for n in range(1, MAX_ATTEMPTS)), dt.timedelta())
