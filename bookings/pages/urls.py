"""The end user's pages: a scheduling link's (config/urls.py mounts them under /rts/), the
public class pages and the signed action links' pages."""

from django.urls import path

from bookings.pages.actions import action_page
from bookings.pages.classes import (
    class_list,
    class_page,
    class_waitlist,
    seat_done,
    waitlist_claim_page,
)
from bookings.pages.confirm import confirm
from bookings.pages.done import add_to_calendar, done, ics
from bookings.pages.picker import none_suitable, picker
from bookings.pages.projects import project_confirm, project_done, project_page

urlpatterns = [
    path("<str:token>", picker, name="booking-link"),
    path("<str:token>/confirm", confirm, name="booking-confirm"),
    path("<str:token>/none", none_suitable, name="booking-none-suitable"),
    path("<str:token>/done", done, name="booking-done"),
    path("<str:token>/event.ics", ics, name="booking-ics"),
    path("<str:token>/add-to-calendar", add_to_calendar, name="booking-add-to-calendar"),
]

# The public class pages (config/urls.py mounts them under /classes/). The literal routes come
# first: a resource sub is never "seats" or "waitlist" (subs start with "res_").
class_urlpatterns = [
    path("seats/<str:token>", seat_done, name="class-seat"),
    path("waitlist/<str:token>", waitlist_claim_page, name="class-waitlist-claim"),
    path("<str:sub>", class_list, name="class-list"),
    path("<str:sub>/<uuid:booking_id>", class_page, name="class-page"),
    path("<str:sub>/<uuid:booking_id>/waitlist", class_waitlist, name="class-waitlist"),
]

# Signed action links' pages (mounted under /bookings/).
project_urlpatterns = [
    path("done/<str:token>", project_done, name="project-done"),
    path("<slug:slug>", project_page, name="project-page"),
    path("<slug:slug>/confirm", project_confirm, name="project-confirm"),
]
action_urlpatterns = [path("actions/<str:token>", action_page, name="booking-action")]
