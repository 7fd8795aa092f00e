"""The routes of the calendar sync API under /v1 (config/urls.py mounts them)."""

from django.urls import path

import scheduling.api.urls  # noqa: F401  (registers the "id" path converter)
from calendars_sync.api.connections import ConnectionsView, ConnectionSyncView, ConnectionView

v1_urlpatterns = [
    path("connections", ConnectionsView.as_view(), name="v1-connections"),
    path("connections/<id:connection_id>", ConnectionView.as_view(), name="v1-connection"),
    path(
        "connections/<id:connection_id>/sync",
        ConnectionSyncView.as_view(),
        name="v1-connection-sync",
    ),
]
