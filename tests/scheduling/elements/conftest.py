"""Cronofy's real UI Elements bundle (npm `cronofy-elements`, installed by scripts/test) on an
integrator's page: a small web server on 127.0.0.1 at a port of its own, so the page's origin is
another than the live server's and every API call is a cross-origin request (CORS preflights
included). The browser may reach these two servers only: any other request fails (the bundle asks
for web fonts from the internet).

Not with `page.route`: while any route is set, Playwright answers every CORS preflight itself
with an allow-all 204 (its network manager fulfils intercepted OPTIONS preflights), so the API's
own preflight answers would never be tested. The page's browser context sends everything instead
through a proxy on a loopback port where nothing listens, which Chromium bypasses for loopback
addresses only: every other request, by name or by address, fails to connect.
"""

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BUNDLE = (
    Path(__file__).resolve().parents[3] / "node_modules/cronofy-elements/dist/CronofyElements.js"
)
LOOPBACK = {"127.0.0.1", "localhost"}

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


class IntegratorSite:
    """Serves the bundle and one page per element, `page_for(element, options)` -> its URL."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path == "/CronofyElements.js":
                    body, kind = BUNDLE.read_bytes(), "text/javascript"
                elif path in site.pages:
                    body, kind = site.pages[path], "text/html; charset=utf-8"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"

    def page_for(self, element: str, options: dict) -> str:
        path = f"/{element.lower()}-{len(self.pages)}.html"
        html = PAGE.format(element=element, options=json.dumps(options))
        self.pages[path] = html.encode("utf-8")
        return self.origin + path


@pytest.fixture
def integrator() -> Iterator[IntegratorSite]:
    if not BUNDLE.exists():
        pytest.skip("cronofy-elements is not installed: scripts/test runs npm ci (ensure_npm)")
    site = IntegratorSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def dead_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound (so nothing else takes it), not listening."""
    with socket.socket() as reserved:
        reserved.bind(("127.0.0.1", 0))
        yield reserved.getsockname()[1]


@pytest.fixture
def loopback_page(browser, dead_port):
    """A page that reaches 127.0.0.1 and localhost only; the other URLs it asked for are listed in
    `page.outside`, and `page.outside_answered` stays empty."""
    context = browser.new_context(
        proxy={"server": f"http://127.0.0.1:{dead_port}", "bypass": "127.0.0.1,localhost"}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.outside = []
    page.outside_answered = []
    page.on(
        "request",
        lambda request: (
            page.outside.append(request.url)
            if urlsplit(request.url).hostname not in LOOPBACK
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            page.outside_answered.append(response.url)
            if urlsplit(response.url).hostname not in LOOPBACK
            else None
        ),
    )
    yield page
    assert page.outside_answered == []
    context.close()
