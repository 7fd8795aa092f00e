"""Timekit's own booking widget (npm `timekit-booking`, booking.js, installed by scripts/test) on
an integrator's page of another origin (tests/integrator_site.py), talking to the live server's
/v2 with a widget key: every call is cross-origin, CORS preflights included, and the page
reaches nothing but 127.0.0.1."""

import json
from collections.abc import Iterator

import pytest

from tests.integrator_site import (  # noqa: F401  (fixtures)
    NODE_MODULES,
    IntegratorSite,
    dead_port,
    integrator_site_running,
    loopback_page,
)

BUILD = NODE_MODULES / "timekit-booking/public/build"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Book with us</title>
<link rel="stylesheet" href="/booking.min.css">
<script src="/booking.min.js"></script></head>
<body><div id="bookingjs"></div>
<script>
window.widgetEvents = [];
const record = (name) => (payload) => window.widgetEvents.push(
  [name, JSON.parse(JSON.stringify((payload && payload.data) || null))]);
new TimekitBooking().init(Object.assign({config}, {{
  callbacks: {{
    fetchAvailabilitySuccessful: record("availability"),
    getBookingSlotsSuccessful: record("groups"),
    createBookingSuccessful: record("created"),
    createBookingFailed: record("failed"),
    errorTriggered: record("error"),
  }},
}}));
</script></body></html>
"""


class WidgetSite:
    """The integrator's site: `page_for(config)` -> the URL of a page running the widget."""

    def __init__(self, site: IntegratorSite) -> None:
        self.site = site
        self.origin = site.origin

    def page_for(self, config: dict) -> str:
        return self.site.add_page("book", PAGE.format(config=json.dumps(config)))


@pytest.fixture
def widget_site() -> Iterator[WidgetSite]:
    assets = {
        "/booking.min.js": BUILD / "booking.min.js",
        "/booking.min.css": BUILD / "booking.min.css",
    }
    with integrator_site_running(assets, package="timekit-booking") as site:
        yield WidgetSite(site)
