"""The `/sync/` URLs (included by config/urls.py): provider webhooks and, from other parts of
calendar sync, its pages and callbacks. A plain list: add lines, keep names unique."""

from django.urls import path

from calendars_sync.pages.connect import (
    caldav_connect_page,
    connect_page,
    disconnect_page,
    ics_connect_page,
)
from calendars_sync.pages.oauth_callback import oauth_callback
from calendars_sync.push.views import google_push, microsoft_push

urlpatterns = [
    path("push/google", google_push, name="sync_push_google"),
    path("push/microsoft", microsoft_push, name="sync_push_microsoft"),
    path("oauth/<str:provider>/callback", oauth_callback, name="sync-oauth-callback"),
    # A signed-in person's connections (calendars_sync/pages/connect.py).
    path("connect/", connect_page, name="sync-connect"),
    path("connect/caldav/", caldav_connect_page, name="sync-connect-caldav"),
    path("connect/ics/", ics_connect_page, name="sync-connect-ics"),
    path("connect/<str:connection_id>/disconnect/", disconnect_page, name="sync-disconnect"),
]
