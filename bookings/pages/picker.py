"""GET /rts/{token}: the times a scheduling link offers now, computed live, grouped by day in the
visitor's time zone; POST /rts/{token}/none: "none of these times suit me".

The token is the credential: whoever holds the link may book on it, as the integrator intended;
an unknown or altered token is a plain "not found".
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bookings.pages.link import (
    default_tzid,
    picker_page,
    usable_link,
)
from bookings.pages.zones import asked_zone, visitor_zone
from bookings.selectors.scheduling_requests import scheduling_request_options
from bookings.services.scheduling_requests import scheduling_request_no_times


@never_cache
@require_GET
@usable_link
def picker(request: HttpRequest, found, token: str, now) -> HttpResponse:
    visitor = visitor_zone(request, asked=asked_zone(request.GET), default=default_tzid(found))
    options = scheduling_request_options(scheduling_request=found, now=now)
    if not options:
        # The integrator hears once that a visitor was shown no times (the service keeps it once).
        scheduling_request_no_times(scheduling_request=found, reason="no_times_displayed", now=now)
    return picker_page(request, found, token, visitor=visitor, options=options)


@never_cache
@require_POST
@usable_link
def none_suitable(request: HttpRequest, found, token: str, now) -> HttpResponse:
    scheduling_request_no_times(scheduling_request=found, reason="no_times_suitable", now=now)
    messages.info(
        request,
        "Thank you: we have let them know that none of these times suit you. "
        "You can still pick one below if that changes.",
    )
    # Back to the times with a GET, so that reloading the page does not send it again.
    return redirect("booking-link", token=token)
