"""What a widget key may do: only the calls booking.js makes (reference 1.1, real-clients.md).

A widget key sits in a public web page, so it must reach no more than the widget needs: a
project's embed and hosted config, its availability, its open classes, and creating a booking
in it. Every /v2 view has WidgetAllowed (bookings/v2/views.py); a view opts in with the class
attribute `widget_access`: True for every method, or the set of methods, e.g. `{"POST"}` on a
view whose GET lists bookings (which the widget must not read). Any other call of a widget
caller is a 403 in Timekit's error shape. The API key passes everywhere, as before.

An opted-in view that takes a project (availability, bookings) restricts a widget caller to a
project of its own application with `widget_project_required` (the widget always sends one).
"""

from rest_framework.permissions import BasePermission

from bookings.models import Project, WidgetKey
from bookings.selectors.timekit import access_project
from scheduling.errors import Forbidden, NotFound, ValidationFailed

REFUSED = "The widget key may not make this call; use the API key."


def is_widget_caller(request) -> bool:
    """True when the request was authenticated with a widget key (request.auth is its
    WidgetKey), False for the API key."""
    return isinstance(getattr(request, "auth", None), WidgetKey)


def widget_allows(view, method: str) -> bool:
    access = getattr(view, "widget_access", False)
    if access is True:
        return True
    return bool(access) and method in access


class WidgetAllowed(BasePermission):
    """Passes the API key; passes a widget key only where the view's `widget_access` names the
    method (HEAD counts as GET; OPTIONS never reaches here: CORS answers preflights)."""

    def has_permission(self, request, view) -> bool:
        if not is_widget_caller(request):
            return True
        method = "GET" if request.method == "HEAD" else request.method
        if not widget_allows(view, method):
            raise Forbidden(REFUSED)
        return True


def widget_project_required(request, project_id: object, *, field: str = "project_id") -> Project:
    """For a widget caller: the project it names, which must be one of its application's. The
    id comes in the body or the query, so a missing one, another application's or none at all
    is a 422 on `field` (as every id a /v2 body names). A view calls it only for widget callers;
    the API key may also use inline settings."""
    if project_id in (None, ""):
        raise ValidationFailed.one(field, "required", "A widget key must name a project.")
    try:
        return access_project(application=request.user.application, project_id=project_id)
    except NotFound:
        raise ValidationFailed.one(field, "not_found", "Project not found.") from None
