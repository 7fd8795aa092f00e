"""GET/POST /bookings/actions/{token}: the page a signed action link opens (bookings/
action_links.py): a customer cancelling a seat or a booking from its mail, a resource owner
confirming or declining a request. GET shows the booking and what the button does; only the
POST applies the action (mail scanners and link previews follow links: a GET must change
nothing), through booking_action, the service the API uses, so a class's rules (min_cancel_time)
and the graph's states apply as they do there. Answered with a redirect to the GET (the page
then shows the booking's new state), or the page with the service's reason (409).

The token is the credential, for one booking and one action; nothing else is reachable with it.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.action_links import action_token_read
from bookings.engine import graphs
from bookings.pages.class_forms import ActionForm
from bookings.pages.classes import REFUSED, not_found
from bookings.pages.display import day_label, span_text
from bookings.pages.zones import asked_zone, visitor_zone
from bookings.selectors.classes import action_booking
from bookings.services.group_bookings import booking_action
from scheduling.errors import DomainError, NotFound
from scheduling.pages.forms import form_errors
from scheduling.timezones import is_valid_tzid, zone

# What a link may do, and how its page words it: (title, button, done).
ACTIONS = {
    "cancel_by_customer": (
        "Cancel your booking",
        "Cancel it",
        "Cancelled. Thank you for telling us.",
    ),
    "confirm": ("Confirm this booking request", "Confirm", "Confirmed: the customer is told."),
    "decline": ("Decline this booking request", "Decline", "Declined: the customer is told."),
}
OWNER_ACTIONS = frozenset({"confirm", "decline"})


@never_cache
@require_http_methods(["GET", "POST"])
def action_page(request: HttpRequest, token: str) -> HttpResponse:
    link = action_token_read(token)
    if link is None or link.action not in ACTIONS:
        return not_found(request, "link")
    try:
        booking = action_booking(booking_id=link.booking_id)
    except NotFound:
        return not_found(request, "booking")
    problem, status = "", 200
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            booking_action(
                application=booking.application,
                booking_id=booking.booking_id,
                action=link.action,
                message=form.cleaned_data["message"],
            )
        except DomainError as exc:
            problem, status = _reason(exc, booking, _tzid(request, booking, link.action)), REFUSED
        else:
            messages.success(request, ACTIONS[link.action][2])
            return redirect("booking-action", token=token)
    elif request.method == "POST":
        problem, status = "Please shorten your message (at most 1000 characters).", 400
    return _page(request, booking, link.action, form, problem, status)


def _tzid(request: HttpRequest, booking, action: str) -> str:
    """The customer's zone on their pages, the resource's on the owner's; ?tz= changes it."""
    default = "" if action in OWNER_ACTIONS else booking.customer_timezone
    default = default if is_valid_tzid(default) else booking.account.default_tzid
    return visitor_zone(request, asked=asked_zone(request.GET), default=default).tzid


def _page(request, booking, action, form, problem: str, status: int) -> HttpResponse:
    owner_side = action in OWNER_ACTIONS
    tzid = _tzid(request, booking, action)
    local = booking.start.astimezone(zone(tzid))
    title, button, _ = ACTIONS[action]
    if booking.graph == graphs.GROUP_CUSTOMER and action == "cancel_by_customer":
        title = "Cancel your seat"
    context = {
        "booking": booking,
        "title": title,
        "button": button,
        "available": action in graphs.available_actions(booking.graph, booking.state),
        "state": booking.state.replace("_", " "),
        "day": day_label(local),
        "when": span_text(booking.start, booking.end, tzid, local.date()),
        "tzid": tzid,
        "seat": booking.graph == graphs.GROUP_CUSTOMER,
        "owner_side": owner_side,
        "with_message": action in ("decline", "cancel_by_customer"),
        "form": form,
        "problem": problem,
    }
    return render(request, "bookings/classes/action.html", context, status=status)


def _reason(exc: DomainError, booking, tzid: str) -> str:
    if isinstance(exc, graphs.ActionNotAllowed):
        return f"This booking is {exc.state.replace('_', ' ')}: there is nothing left to do."
    _field, error = form_errors(exc)[0]
    klass = booking.owner_booking
    if error.code == "cancel_closed" and klass is not None and klass.min_cancel_time:
        closed = (klass.start - klass.min_cancel_time).astimezone(zone(tzid))
        return (
            f"Sorry, this seat can no longer be cancelled here: cancellations closed on "
            f"{day_label(closed)} at {closed:%H:%M} ({tzid}). Please contact the organiser."
        )
    return error.message
