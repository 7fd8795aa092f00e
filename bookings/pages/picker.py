"""GET /rts/{token}: the times a scheduling link offers now (placeholder, being built)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bookings.selectors import scheduling_request_for_token, scheduling_request_options


def picker(request: HttpRequest, token: str) -> HttpResponse:
    from django.utils import timezone

    found = scheduling_request_for_token(token=token)
    options = scheduling_request_options(scheduling_request=found, now=timezone.now())
    return render(request, "bookings/picker.html", {"options": options})
