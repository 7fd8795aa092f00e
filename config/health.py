"""GET /health: may a load balancer send this instance traffic? (README, "Health endpoint").

200 {"status": "ok", "database": "ok", "worker": "ok"} when the database answers and a django-q2
cluster ran its scheduler recently; 503 with the failing part named otherwise. No authentication,
nothing secret, one query, and exempt from the HTTPS redirect (balancers probe over plain HTTP).

"Cluster seen recently" is read from the outbox sweep's schedule (`callbacks_deliver_due`, every
minute, made by migration scheduling 0004): a running cluster's scheduler moves its `next_run`
forward every 30 s or so, so a `next_run` long past means no cluster has scheduled anything since.
django-q2's own cluster statistics were not used: they live in Django's cache, which each process
holds for itself unless a shared cache is configured, so the web server could not see them.
"""

import datetime as dt

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_q.models import Schedule

SWEEP_SCHEDULE = "callbacks_deliver_due"


def _sweep_next_run() -> dt.datetime | None:
    return Schedule.objects.filter(name=SWEEP_SCHEDULE).values_list("next_run", flat=True).first()


def health_report(*, now: dt.datetime) -> dict[str, str]:
    """Each part's state ("ok", or why not) and the overall status."""
    try:
        next_run = _sweep_next_run()
    except DatabaseError:
        return {"status": "error", "database": "unreachable", "worker": "unknown"}
    stale_after = dt.timedelta(seconds=settings.HEALTH_WORKER_STALE_SECONDS)
    if next_run is None:
        worker = "no sweep schedule"
    elif next_run < now - stale_after:
        worker = "stale"
    else:
        worker = "ok"
    return {"status": "ok" if worker == "ok" else "error", "database": "ok", "worker": worker}


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    report = health_report(now=timezone.now())
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
