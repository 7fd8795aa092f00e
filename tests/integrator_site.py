"""An integrator's web site for browser tests of published JavaScript clients (Cronofy's UI
Elements, Timekit's booking.js): a small web server on 127.0.0.1 at a port of its own, so the
page's origin is another than the live server's and every API call is a cross-origin request
(CORS preflights included). The browser may reach these two servers only: any other request
fails (the bundles ask for web fonts from the internet).

Not with `page.route`: while any route is set, Playwright answers every CORS preflight itself
with an allow-all 204 (its network manager fulfils intercepted OPTIONS preflights), so the API's
own preflight answers would never be tested. The page's browser context sends everything instead
through a proxy on a loopback port where nothing listens, which Chromium bypasses for loopback
addresses only: every other request, by name or by address, fails to connect.

Fixtures: `dead_port`, `loopback_page` (used through a conftest that imports them); a client's
conftest makes its `IntegratorSite(assets)` with `integrator_site_running`.
"""

import mimetypes
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

NODE_MODULES = Path(__file__).resolve().parents[1] / "node_modules"
LOOPBACK = {"127.0.0.1", "localhost"}


class IntegratorSite:
    """Serves `assets` (URL path -> file) and the pages added with `add_page(name, html)`."""

    def __init__(self, assets: dict[str, Path]) -> None:
        self.assets = assets
        self.pages: dict[str, bytes] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path in site.assets:
                    body = site.assets[path].read_bytes()
                    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
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

    def add_page(self, name: str, html: str) -> str:
        """Serve `html` at a new path; its absolute URL."""
        path = f"/{name}-{len(self.pages)}.html"
        self.pages[path] = html.encode("utf-8")
        return self.origin + path


@contextmanager
def integrator_site_running(assets: dict[str, Path], *, package: str) -> Iterator[IntegratorSite]:
    missing = [str(path) for path in assets.values() if not path.exists()]
    if missing:
        pytest.skip(f"{package} is not installed (scripts/test runs npm ci): {missing[0]}")
    site = IntegratorSite(assets)
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
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
