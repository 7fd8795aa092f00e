"""The tests' clock: every test starts at FROZEN_NOW, and the clock ticks on from there.

Tests date their data relative to FROZEN_NOW (see `tests.api_helpers.DAY`) instead of far in the
future, so "now"-dependent behaviour (token expiry, minimum notice, default read windows) sees
the same instant on every run. time-machine patches the process's clock functions, so the
live-server thread (and pycronofy talking to it) shares the frozen clock. It ticks because
frozen-still time would stall anything that waits on the wall clock (socket and lock timeouts,
Playwright's waits); `time.monotonic` and `perf_counter` are left alone.

A test that needs another instant moves the clock: `clock.move_to(...)` or `clock.shift(...)`.
"""

import datetime as dt

import pytest
import time_machine

FROZEN_NOW = dt.datetime(2025, 2, 27, 12, tzinfo=dt.UTC)  # a Thursday, well before any DST change


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller
