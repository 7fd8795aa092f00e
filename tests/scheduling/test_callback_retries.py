"""The retry schedule, line by line."""

import datetime as dt

from scheduling.callback_retries import MAX_ATTEMPTS, base_delay, retry_delay, total_span

S = dt.timedelta(seconds=1)


def test_first_retry_waits_30_seconds():
    assert base_delay(1) == 30 * S


def test_waits_double():
    assert [base_delay(n) / S for n in range(1, 6)] == [30, 60, 120, 240, 480]


def test_waits_are_capped_at_six_hours():
    assert base_delay(11) == base_delay(12) == dt.timedelta(hours=6)


def test_jitter_moves_a_wait_by_at_most_ten_percent():
    assert retry_delay(1, 0.0) == 27 * S
    assert retry_delay(1, 0.5) == 30 * S
    assert retry_delay(1, 0.999999) < 33 * S


def test_no_retry_after_the_last_attempt():
    assert retry_delay(MAX_ATTEMPTS, 0.5) is None


def test_the_last_attempt_may_still_be_retried_until_the_limit():
    assert retry_delay(MAX_ATTEMPTS - 1, 0.5) == dt.timedelta(hours=6)


def test_thirteen_attempts_span_about_twenty_hours():
    assert MAX_ATTEMPTS == 13
    assert dt.timedelta(hours=20) < total_span() < dt.timedelta(hours=21)
