"""The visitor's time zone on the booking pages: chosen (?tz=, a plain GET form), remembered (a
cookie), or the request's own zone at first. A little script (static/bookings/zone.js) detects
the browser's zone on a first visit and asks for it with ?tz=; without script the visitor picks.
"""

from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from bookings.pages.forms import ZoneForm
from scheduling.timezones import is_valid_tzid, known_tzids

COOKIE = "booking_tz"
COOKIE_AGE = 365 * 24 * 3600
# The regions of the zone list: the IANA names people live by ("Europe/Paris"), not the legacy
# aliases ("US/Eastern", "GB"), which are still accepted when asked for by name.
REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
           "Indian", "Pacific")  # fmt: skip


@dataclass(frozen=True)
class VisitorZone:
    tzid: str
    # The visitor (or the script on their behalf) chose it, now or on an earlier visit: the
    # script leaves it alone.
    chosen: bool
    # Chosen with this request: remembered in the cookie.
    asked: bool


def visitor_zone(request: HttpRequest, *, asked: str | None, default: str) -> VisitorZone:
    """`asked` is a valid tzid from this request's form, or None."""
    if asked:
        return VisitorZone(asked, chosen=True, asked=True)
    remembered = request.COOKIES.get(COOKIE, "")
    if is_valid_tzid(remembered):
        return VisitorZone(remembered, chosen=True, asked=False)
    return VisitorZone(default, chosen=False, asked=False)


def asked_zone(data) -> str | None:
    """The valid tz a query or form asks for; None for none or an unknown one."""
    form = ZoneForm(data)
    return (form.cleaned_data["tz"] or None) if form.is_valid() else None


def remember_zone(
    response: HttpResponse, visitor: VisitorZone, request: HttpRequest, *, path: str = "/rts/"
) -> None:
    """Remember a zone the visitor chose, for the pages under `path`."""
    if visitor.asked and request.COOKIES.get(COOKIE) != visitor.tzid:
        response.set_cookie(
            COOKIE,
            visitor.tzid,
            max_age=COOKIE_AGE,
            path=path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


@lru_cache(maxsize=1)
def zone_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(region, its zones) in alphabetical order, then UTC."""
    listed = sorted(t for t in known_tzids() if t.split("/", 1)[0] in REGIONS and "/" in t)
    groups = tuple(
        (region, tuple(zones)) for region, zones in groupby(listed, lambda t: t.split("/", 1)[0])
    )
    return (*groups, ("UTC", ("Etc/UTC",)))


@lru_cache(maxsize=1)
def _zone_options() -> str:
    return "".join(
        format_html(
            '<optgroup label="{}">{}</optgroup>',
            region,
            format_html_join("", "<option>{}</option>", ((tzid,) for tzid in zones)),
        )
        for region, zones in zone_groups()
    )


def zone_options(current: str) -> SafeString:
    """The <option>s of the zone list, grouped by region, `current` selected (added at the top
    when it is not listed: an alias). Built once: a template loop over some 500 zones took
    longer than the rest of the page."""
    options = _zone_options()
    mark = format_html("<option>{}</option>", current)
    if mark in options:
        return mark_safe(options.replace(mark, mark.replace("<option>", "<option selected>", 1)))  # noqa: S308 (built from escaped parts)
    chosen = format_html(
        '<optgroup label="Current"><option selected>{}</option></optgroup>', current
    )
    return mark_safe(chosen + options)  # noqa: S308 (built from escaped parts)
