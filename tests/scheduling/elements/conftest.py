"""Cronofy's real UI Elements bundle (npm `cronofy-elements`, installed by scripts/test) on an
integrator's page of another origin (tests/integrator_site.py)."""

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

BUNDLE = NODE_MODULES / "cronofy-elements/dist/CronofyElements.js"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Integrator</title>
<script src="/CronofyElements.js"></script></head>
<body><div id="element"></div>
<script>
window.notifications = [];
CronofyElements.{element}(Object.assign({options}, {{
  target_id: "element",
  callback: (notification) => window.notifications.push(notification),
}}));
</script></body></html>
"""


class ElementsSite:
    """The integrator's site with one page per element: `page_for(element, options)` -> URL."""

    def __init__(self, site: IntegratorSite) -> None:
        self.site = site
        self.origin = site.origin

    def page_for(self, element: str, options: dict) -> str:
        html = PAGE.format(element=element, options=json.dumps(options))
        return self.site.add_page(element.lower(), html)


@pytest.fixture
def integrator() -> Iterator[ElementsSite]:
    with integrator_site_running(
        {"/CronofyElements.js": BUNDLE}, package="cronofy-elements"
    ) as site:
        yield ElementsSite(site)
