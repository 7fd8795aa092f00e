"""What every page of a scheduling link shares: finding the request by its token, the pages for
a link that cannot be used (not found, disabled, expired, used), and the picker itself, which the
confirmation re-renders when the time was taken meanwhile."""

import datetime as dt
import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from bookings import specs
from bookings.errors import LinkUnavailable
from bookings.models import SchedulingRequest
from bookings.pages.display import day_views, link_summary
from bookings.pages.zones import VisitorZone, remember_zone, zone_options
from bookings.selectors.scheduling_requests import (
    Option,
    participant_names,
    scheduling_request_for_token,
)
from scheduling.errors import NotFound
from scheduling.timeformat import format_time

Status = SchedulingRequest.Status
# A link that cannot be used (any more) is gone for good: 410, so that crawlers and caches drop it.
GONE = 410


def link_request(token: str) -> SchedulingRequest | None:
    try:
        return scheduling_request_for_token(token=token)
    except NotFound:
        return None


# What the visitor is told for each state in which a link cannot be used: (title, text).
STATE_TEXTS = {
    "not_found": (
        "This scheduling link is not valid",
        "Please check that you have the whole link, or ask whoever sent it for a new one.",
    ),
    Status.DISABLED: (
        "This scheduling link is no longer available",
        "Please ask whoever sent it if you still need to book a time.",
    ),
    Status.EXPIRED: (
        "This scheduling link has expired",
        "The times it offered have passed. Please ask whoever sent it for a new one.",
    ),
    LinkUnavailable.UNAVAILABLE: (
        "This scheduling link is not available",
        "Someone it would book can no longer be booked through it. "
        "Please ask whoever sent it for a new one.",
    ),
    Status.COMPLETED: (
        "This scheduling link has already been used",
        "A time has been booked with it, and it cannot be used again.",
    ),
}


def not_found_page(request: HttpRequest) -> HttpResponse:
    title, text = STATE_TEXTS["not_found"]
    context = {"status": "not_found", "title": title, "text": text}
    return render(request, "bookings/unavailable.html", context, status=404)


def unavailable_page(
    request: HttpRequest, scheduling_request: SchedulingRequest, token: str, status: str
) -> HttpResponse:
    title, text = STATE_TEXTS[status]
    context = {
        "status": status,
        "title": title,
        "text": text,
        "display_message": scheduling_request.display_message if status == Status.DISABLED else "",
        "summary": scheduling_request.spec["event"].get("summary", ""),
        "done_url": reverse("booking-done", args=[token]) if status == Status.COMPLETED else "",
    }
    return render(request, "bookings/unavailable.html", context, status=GONE)


def unusable(
    request: HttpRequest, scheduling_request: SchedulingRequest, token: str, now: dt.datetime
) -> HttpResponse | None:
    """The page for a link that cannot be used now, or None when it can."""
    status = scheduling_request.status_at(now)
    if status == Status.ENABLED:
        return None
    return unavailable_page(request, scheduling_request, token, status)


def usable_link(view: Callable[..., HttpResponse]) -> Callable[[HttpRequest, str], HttpResponse]:
    """A page of a link that can be used now: the view is called as view(request, found, token,
    now); an unknown token gets the "not found" page, a link that cannot be used (now, or once
    the view finds so: LinkUnavailable) its own page."""

    @functools.wraps(view)
    def page(request: HttpRequest, token: str) -> HttpResponse:
        found = link_request(token)
        if found is None:
            return not_found_page(request)
        now = timezone.now()
        if (gone := unusable(request, found, token, now)) is not None:
            return gone
        try:
            return view(request, found, token, now)
        except LinkUnavailable as exc:  # used or disabled meanwhile, or a participant gone
            return unavailable_page(request, found, token, exc.status)

    return page


def default_tzid(scheduling_request: SchedulingRequest) -> str:
    return specs.event_tzid(scheduling_request.spec)


def link_names(scheduling_request: SchedulingRequest, query: specs.Query) -> dict[str, str]:
    """The names of everyone the request may book (options name a subset of them)."""
    return participant_names(
        application=scheduling_request.application, subs=specs.member_subs(query)
    )


def confirm_url(base: str, option: Option, tzid: str) -> str:
    """`base`: the link's confirmation URL (reversed once per page, not once per option)."""
    query = [("start", format_time(step.start)) for step in option] + [("tz", tzid)]
    return f"{base}?{urlencode(query)}"


def picker_page(
    request: HttpRequest,
    scheduling_request: SchedulingRequest,
    token: str,
    *,
    visitor: VisitorZone,
    options: list[Option],
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    """The options grouped by day in the visitor's zone; `problem` says why the visitor is back
    here (the time was taken meanwhile)."""
    query = specs.availability_query(scheduling_request.spec, scheduling_request.kind)
    names = link_names(scheduling_request, query)
    base = reverse("booking-confirm", args=[token])
    context = {
        "link": link_summary(scheduling_request, query, names),
        "days": day_views(
            scheduling_request,
            query,
            options,
            tzid=visitor.tzid,
            names=names,
            url=lambda option: confirm_url(base, option, visitor.tzid),
        ),
        "visitor": visitor,
        "zone_options": zone_options(visitor.tzid),
        "problem": problem,
        "picker_url": reverse("booking-link", args=[token]),
        "none_url": reverse("booking-none-suitable", args=[token]),
    }
    response = render(request, "bookings/picker.html", context, status=status)
    remember_zone(response, visitor, request)
    return response
