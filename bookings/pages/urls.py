"""The end user's pages of a scheduling link (config/urls.py mounts them under /rts/)."""

from django.urls import path

from bookings.pages.confirm import confirm
from bookings.pages.done import add_to_calendar, done, ics
from bookings.pages.picker import none_suitable, picker

urlpatterns = [
    path("<str:token>", picker, name="booking-link"),
    path("<str:token>/confirm", confirm, name="booking-confirm"),
    path("<str:token>/none", none_suitable, name="booking-none-suitable"),
    path("<str:token>/done", done, name="booking-done"),
    path("<str:token>/event.ics", ics, name="booking-ics"),
    path("<str:token>/add-to-calendar", add_to_calendar, name="booking-add-to-calendar"),
]
