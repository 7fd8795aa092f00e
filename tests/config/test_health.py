"""GET /health: the database and the q2 cluster, for load balancers."""

import datetime as dt

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from config.health import SWEEP_SCHEDULE

pytestmark = pytest.mark.django_db


def sweep_due(seconds_ago: int) -> None:
    Schedule.objects.filter(name=SWEEP_SCHEDULE).update(
        next_run=timezone.now() - dt.timedelta(seconds=seconds_ago)
    )


def test_ok_when_the_database_answers_and_the_cluster_scheduled_lately(django_assert_num_queries):
    sweep_due(seconds_ago=40)

    with django_assert_num_queries(1):
        response = Client().get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_sweep_due_in_the_future_is_ok():
    sweep_due(seconds_ago=-50)

    assert Client().get("/health").status_code == 200


def test_stale_when_no_cluster_moved_the_schedule_on(settings):
    settings.HEALTH_WORKER_STALE_SECONDS = 180
    sweep_due(seconds_ago=181)

    response = Client().get("/health")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "worker": "stale"}


def test_error_without_the_sweep_schedule():
    Schedule.objects.filter(name=SWEEP_SCHEDULE).delete()

    response = Client().get("/health")

    assert response.status_code == 503
    assert response.json()["worker"] == "no sweep schedule"


def test_database_down():
    sweep_due(seconds_ago=0)

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        response = Client().get("/health")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable", "worker": "unknown"}


def test_only_reads_are_allowed():
    assert Client().post("/health").status_code == 405
    assert Client().head("/health").status_code in {200, 503}
