"""Every /setup/v1 route (config/urls.py mounts them under /setup/v1/) and OnSched's token URL
(mounted at /connect/token). `resources/bulk` comes before `resources/<id>`, so that no resource
id is read as "bulk"."""

from django.urls import path

import scheduling.api.urls  # noqa: F401  (registers the "id" path converter)
from calendars_sync.setup_api.token import ConnectTokenView
from calendars_sync.setup_api.views import (
    GoogleCalendarAuthView,
    OutlookCalendarAuthView,
    ResourcesBulkView,
    ResourcesView,
    ResourceView,
)

setup_v1_urlpatterns = [
    path("resources", ResourcesView.as_view(), name="setup-resources"),
    path("resources/bulk", ResourcesBulkView.as_view(), name="setup-resources-bulk"),
    path("resources/<id:resource_id>", ResourceView.as_view(), name="setup-resource"),
    path(
        "resources/<id:resource_id>/calendar/auth/google/<id:email>",
        GoogleCalendarAuthView.as_view(),
        name="setup-resource-calendar-auth-google",
    ),
    path(
        "resources/<id:resource_id>/calendar/auth/outlook/<id:email>",
        OutlookCalendarAuthView.as_view(),
        name="setup-resource-calendar-auth-outlook",
    ),
]

connect_urlpatterns = [
    path("token", ConnectTokenView.as_view(), name="connect-token"),
]
