"""Calendar sync's pages, under /sync/ (config/urls.py mounts them)."""

from django.urls import path

from calendars_sync.pages.connect import (
    caldav_connect_page,
    connect_page,
    disconnect_page,
    ics_connect_page,
)

urlpatterns = [
    path("connect/", connect_page, name="sync-connect"),
    path("connect/caldav/", caldav_connect_page, name="sync-connect-caldav"),
    path("connect/ics/", ics_connect_page, name="sync-connect-ics"),
    path("connect/<str:connection_id>/disconnect/", disconnect_page, name="sync-disconnect"),
]
