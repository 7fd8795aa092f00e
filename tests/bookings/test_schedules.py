"""The bookings app's scheduled q2 tasks exist after migrating, each every minute forever."""

import pytest
from django_q.models import Schedule

from bookings import tasks

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["waitlist_expire_offers"])
def test_the_sweep_runs_every_minute_forever(name):
    schedule = Schedule.objects.get(name=name)
    assert schedule.func == f"bookings.tasks.{name}"
    assert callable(getattr(tasks, name))
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
