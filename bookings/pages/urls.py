"""The end user's pages of a scheduling link (config/urls.py mounts them under /rts/)."""

from django.urls import path

from bookings.pages.picker import picker

urlpatterns = [
    path("<str:token>", picker, name="booking-link"),
]
