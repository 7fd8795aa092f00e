"""Browser fixtures (`browser`, `page`): Playwright's sync API driving Debian's Chromium against
pytest-django's live_server. A plugin loaded by tests/conftest.py, so that browser tests live next
to the code they test.

Nothing is downloaded: the browser is /usr/bin/chromium (`apt-get install -y chromium`), never
`playwright install`. Browser tests are marked `browser` and need
`@pytest.mark.django_db(transaction=True)` (the live server reads the database from its own thread).
"""

import os
from pathlib import Path

# Playwright's sync API runs an asyncio loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless this is set. It must be set before Playwright starts.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    # Fail fast instead of waiting 30 s on a selector that will never appear.
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
