"""The core's django-q2 entry points and their schedule."""

import datetime as dt

import pytest
from django.conf import settings
from django_q.models import Schedule

from config.q2 import q_cluster_settings
from scheduling import tasks
from scheduling.models import OutgoingCallback
from scheduling.services.callbacks import callback_enqueue

NOW = dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def enqueue(app_creds, url) -> OutgoingCallback:
    return callback_enqueue(
        application=app_creds.application,
        url=url,
        body=b"{}",
        kind=OutgoingCallback.Kind.CHANNEL_NOTIFICATION,
        now=NOW,
    )


def test_callback_deliver_task_delivers_by_primary_key(app_creds, receiver):
    callback = enqueue(app_creds, receiver.url)
    assert tasks.callback_deliver(callback.pk) == "delivered"
    assert tasks.callback_deliver(callback.pk) is None
    assert len(receiver.received) == 1


def test_sweep_task_delivers_what_is_due(app_creds, receiver):
    for _ in range(3):
        enqueue(app_creds, receiver.url)
    assert tasks.callbacks_deliver_due() == 3
    assert len(receiver.received) == 3


def test_the_sweep_runs_every_minute_forever():
    schedule = Schedule.objects.get(name="callbacks_deliver_due")
    assert schedule.func == "scheduling.tasks.callbacks_deliver_due"
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)


def test_q2_picks_up_tasks_within_half_a_second():
    # Delivery starts within about a second of the commit: the ORM broker polls every 0.5 s.
    assert q_cluster_settings("")["poll"] <= 0.5
    assert q_cluster_settings("")["orm"] == "default"
    assert settings.Q_CLUSTER["poll"] <= 0.5
