"""GET/POST /rts/{token}/confirm: the picked option spelled out, and the POST that books it.

The POST calls the same booking service as everything else (bookings/services/booking.py:
locked, re-checked, written in one transaction). A time taken meanwhile sends the visitor back
to the times still free (409); a link used, disabled or expired meanwhile, or one naming a
participant or calendar no longer usable, gets its page (410).

After booking, the visitor goes on to the integrator's `redirect_urls.completed_url`, with
`real_time_scheduling_id`, `start` and `end` (UTC Times; for a sequence, the first step's start
and the last step's end) added to its query, so the integrator's page can name the booking
without a lookup; else to `oauth.redirect_uri` with its `state`; else to our own confirmation
page. Both URLs came from the integrator through the authenticated API, never from the visitor,
so this is no open redirect; the confirmation page's Content-Security-Policy names the target's
origin as a form target, which Chromium checks against the redirect that answers the POST.
"""

import datetime as dt

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings import specs
from bookings.errors import TimeTaken
from bookings.models import SchedulingRequest
from bookings.pages.display import day_label, option_steps
from bookings.pages.forms import PickForm
from bookings.pages.link import (
    default_tzid,
    link_names,
    picker_page,
    usable_link,
)
from bookings.pages.zones import VisitorZone, asked_zone, remember_zone, visitor_zone
from bookings.selectors.scheduling_requests import (
    scheduling_request_option_at,
    scheduling_request_options,
)
from bookings.services.booking import scheduling_request_book
from scheduling.pages.redirects import allow_form_target, redirect_uri_with
from scheduling.timeformat import format_time
from scheduling.timezones import zone

TAKEN = "Sorry, that time was taken meanwhile. Here are the times still free."
NOT_OFFERED = "Please pick one of the times below."


def completed_target(scheduling_request: SchedulingRequest) -> str | None:
    """Where the integrator sends the visitor after booking (without the booking's parameters),
    or None for our own confirmation page."""
    spec = scheduling_request.spec
    return spec["redirect_urls"].get("completed_url") or spec["oauth"].get("redirect_uri")


def completed_redirect(scheduling_request: SchedulingRequest, token: str) -> str:
    spec, outcome = scheduling_request.spec, scheduling_request.outcome
    if url := spec["redirect_urls"].get("completed_url"):
        return redirect_uri_with(
            url,
            {
                "real_time_scheduling_id": scheduling_request.real_time_scheduling_id,
                "start": outcome["start"],
                "end": outcome["end"],
            },
        )
    if url := spec["oauth"].get("redirect_uri"):
        return redirect_uri_with(url, {"state": spec["oauth"].get("state") or ""})
    return reverse("booking-done", args=[token])


@never_cache
@require_http_methods(["GET", "POST"])
@usable_link
def confirm(request: HttpRequest, found, token: str, now) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    visitor = visitor_zone(request, asked=asked_zone(data), default=default_tzid(found))
    return _pick_or_book(request, found, token, visitor, now)


def _pick_or_book(request, found, token, visitor: VisitorZone, now) -> HttpResponse:
    form = PickForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return _back_to_picker(request, found, token, visitor, NOT_OFFERED, status=400)
    starts = form.cleaned_data["start"]
    if request.method == "GET":
        return _confirm_page(request, found, token, visitor, starts, now)
    try:
        booked = scheduling_request_book(
            scheduling_request=found, starts=starts, user_tzid=visitor.tzid, now=now
        )
    except TimeTaken:
        return _back_to_picker(request, found, token, visitor, TAKEN, status=409)
    response = HttpResponseRedirect(completed_redirect(booked, token))
    remember_zone(response, visitor, request)
    return response


def _back_to_picker(request, found, token, visitor: VisitorZone, problem: str, *, status: int):
    options = scheduling_request_options(scheduling_request=found, now=timezone.now())
    return picker_page(
        request, found, token, visitor=visitor, options=options, problem=problem, status=status
    )


def _confirm_page(
    request: HttpRequest,
    found: SchedulingRequest,
    token: str,
    visitor: VisitorZone,
    starts: tuple[dt.datetime, ...],
    now: dt.datetime,
) -> HttpResponse:
    option = scheduling_request_option_at(scheduling_request=found, starts=starts, now=now)
    if option is None:
        return _back_to_picker(request, found, token, visitor, TAKEN, status=409)
    query = specs.availability_query(found.spec, found.kind)
    names = link_names(found, query)
    local_start = option[0].start.astimezone(zone(visitor.tzid))
    context = {
        "summary": found.spec["event"].get("summary", ""),
        "day": day_label(local_start),
        "steps": option_steps(
            found, query, option, names, tzid=visitor.tzid, day=local_start.date()
        ),
        "sequencing": found.kind == SchedulingRequest.Kind.SEQUENCING,
        "location": (found.spec["event"].get("location") or {}).get("description", ""),
        "starts": [format_time(start) for start in starts],
        "visitor": visitor,
        "picker_url": reverse("booking-link", args=[token]),
        "confirm_url": reverse("booking-confirm", args=[token]),
    }
    response = render(request, "bookings/confirm.html", context)
    if target := completed_target(found):
        allow_form_target(request, response, target)
    remember_zone(response, visitor, request)
    return response
