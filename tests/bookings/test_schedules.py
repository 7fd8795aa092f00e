"""The bookings app's scheduled q2 tasks exist after migrating and repeat forever."""

import pytest
from django_q.models import Schedule

from bookings import tasks

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "minutes"), [("waitlist_expire_offers", 1), ("bookings_autocomplete", 5)]
)
def test_the_sweeps_run_forever(name, minutes):
    schedule = Schedule.objects.get(name=name)
    assert schedule.func == f"bookings.tasks.{name}"
    assert callable(getattr(tasks, name))
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        Schedule.MINUTES,
        minutes,
        -1,
    )
