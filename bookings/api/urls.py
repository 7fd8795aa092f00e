"""Every route of the bookings app's API (config/urls.py mounts them under /v1).

Ids in paths use the core's `id` converter (no NUL: such an id names nothing, a 404 before any
view runs), registered by scheduling/api/urls.py: imported here so that it is registered whatever
imports this module first.
"""

from django.urls import path

import scheduling.api.urls  # noqa: F401  (registers the "id" path converter)
from bookings.api.views import (
    RealTimeSchedulingView,
    RealTimeSequencingView,
    SchedulingRequestDisableView,
    SchedulingRequestView,
)

v1_urlpatterns = [
    path("real_time_scheduling", RealTimeSchedulingView.as_view(), name="v1-real-time-scheduling"),
    path(
        "real_time_scheduling/<id:real_time_scheduling_id>",
        SchedulingRequestView.as_view(),
        name="v1-real-time-scheduling-status",
    ),
    path(
        "real_time_scheduling/<id:real_time_scheduling_id>/disable",
        SchedulingRequestDisableView.as_view(),
        name="v1-real-time-scheduling-disable",
    ),
    path("real_time_sequencing", RealTimeSequencingView.as_view(), name="v1-real-time-sequencing"),
]
