"""How the pages word times: pure functions, no database."""

import datetime as dt

import pytest

from bookings.pages.display import day_label, duration_text, names_text, span_text
from scheduling.timezones import zone

UTC = dt.UTC


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(1, "1 minute"), (45, "45 minutes"), (60, "1 hour"), (90, "1 hour 30 minutes"),
     (120, "2 hours"), (0, "0 minutes")],
)  # fmt: skip
def test_duration_text(minutes, text):
    assert duration_text(dt.timedelta(minutes=minutes)) == text


@pytest.mark.parametrize(
    ("names", "text"),
    [([], ""), (["Ada"], "Ada"), (["Ada", "Grace"], "Ada and Grace"),
     (["Ada", "Grace", "Lin"], "Ada, Grace and Lin")],
)  # fmt: skip
def test_names_text(names, text):
    assert names_text(names) == text


def test_span_in_the_visitors_zone():
    start, end = utc(2025, 3, 3, 9), utc(2025, 3, 3, 10)
    day = dt.date(2025, 3, 3)
    assert span_text(start, end, "America/New_York", day) == "04:00\u201305:00"


def test_span_names_the_date_of_an_end_on_another_day():
    start, end = utc(2025, 3, 3, 22, 30), utc(2025, 3, 3, 23, 30)
    # In Paris (UTC+1) the end falls after midnight.
    assert span_text(start, end, "Europe/Paris", dt.date(2025, 3, 3)) == (
        "23:30\u2013Tue 4 Mar 00:30"
    )


def test_span_names_the_date_of_a_step_on_another_day_than_its_option():
    start, end = utc(2025, 3, 4, 9), utc(2025, 3, 4, 10)
    assert span_text(start, end, "Etc/UTC", dt.date(2025, 3, 3)) == "Tue 4 Mar 09:00\u201310:00"


@pytest.mark.parametrize(
    ("tzid", "moment", "label"),
    [
        # London's spring change (30 March 2025, 01:00 UTC): 23:30 UTC is 00:30 BST the next day.
        ("Europe/London", utc(2025, 3, 29, 23, 30), "Saturday 29 March 2025"),
        ("Europe/London", utc(2025, 3, 30, 23, 30), "Monday 31 March 2025"),
        # Sydney's autumn change (6 April 2025, 16:00 UTC the day before): UTC+11, then UTC+10.
        ("Australia/Sydney", utc(2025, 4, 5, 12, 59), "Saturday 5 April 2025"),
        ("Australia/Sydney", utc(2025, 4, 5, 13, 0), "Sunday 6 April 2025"),
        ("Australia/Sydney", utc(2025, 4, 6, 13, 30), "Sunday 6 April 2025"),
        ("Australia/Sydney", utc(2025, 4, 6, 14, 0), "Monday 7 April 2025"),
    ],
)
def test_day_label_across_dst_changes(tzid, moment, label):
    assert day_label(moment.astimezone(zone(tzid))) == label
