"""After booking on a link (when the integrator gave no page to go to): GET /rts/{token}/done
shows what was booked, GET /rts/{token}/event.ics downloads it, and POST
/rts/{token}/add-to-calendar puts it into the calendar of a visitor signed in here.

As on the picker, the link's token is the credential; these pages exist only once the request
is completed (before that, the done page sends the visitor to the times).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bookings.booked import booked_events
from bookings.ics import CONTENT_TYPE, booking_ics, ics_filename
from bookings.models import SchedulingRequest
from bookings.pages.display import booked_views
from bookings.pages.link import default_tzid, link_request, not_found_page, unavailable_page
from bookings.pages.zones import asked_zone, visitor_zone
from bookings.selectors.scheduling_requests import participant_names, visitor_calendar
from bookings.services.visitor_calendar import visitor_calendar_add
from scheduling.errors import DomainError
from scheduling.pages.forms import form_errors

Status = SchedulingRequest.Status


def _completed(
    request: HttpRequest, token: str
) -> tuple[SchedulingRequest | None, HttpResponse | None]:
    """(the completed request, None), or (None, the response for any other state)."""
    found = link_request(token)
    if found is None:
        return None, not_found_page(request)
    status = found.status_at(timezone.now())
    if status == Status.ENABLED:
        return None, redirect("booking-link", token=token)
    if status != Status.COMPLETED:
        return None, unavailable_page(request, found, token, status)
    return found, None


@never_cache
@require_GET
def done(request: HttpRequest, token: str) -> HttpResponse:
    found, other = _completed(request, token)
    if found is None:
        return other
    visitor = visitor_zone(request, asked=asked_zone(request.GET), default=default_tzid(found))
    events = booked_events(found)
    names = participant_names(
        application=found.application, subs={sub for e in events for sub in e.participants}
    )
    context = {
        "summary": found.spec["event"].get("summary", ""),
        "events": booked_views(events, names, visitor.tzid),
        "visitor": visitor,
        "ics_url": reverse("booking-ics", args=[token]),
        "add_url": reverse("booking-add-to-calendar", args=[token]),
        "can_add": visitor_calendar(user=request.user) is not None,
        "sign_in_url": ""
        if request.user.is_authenticated
        else f"{reverse('account_login')}?{urlencode({'next': request.path})}",
    }
    return render(request, "bookings/done.html", context)


@never_cache
@require_GET
def ics(request: HttpRequest, token: str) -> HttpResponse:
    found, other = _completed(request, token)
    if found is None:
        return other
    response = HttpResponse(booking_ics(scheduling_request=found), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(found)}"'
    return response


@never_cache
@require_POST
def add_to_calendar(request: HttpRequest, token: str) -> HttpResponse:
    done_url = reverse("booking-done", args=[token])
    if not request.user.is_authenticated:
        return redirect_to_login(done_url, login_url=reverse("account_login"))
    found, other = _completed(request, token)
    if found is None:
        return other
    try:
        visitor_calendar_add(scheduling_request=found, user=request.user)
    except DomainError as exc:
        for _field, error in form_errors(exc):
            messages.error(request, error.message)
    else:
        messages.success(request, "Added to your calendar.")
    return redirect(done_url)
