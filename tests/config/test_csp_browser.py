"""The server-rendered pages work in Chromium under the Content-Security-Policy, and nothing on
them is refused by it (a refusal is a `securitypolicyviolation` event and a console error)."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import make_application, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched(page):
    """The page, and a list collecting every CSP refusal it sees (events and console errors)."""
    refusals = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def collect() -> list[str]:
        return refusals + page.evaluate("window.cspViolations || []")

    return page, collect


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_sign_in_and_sign_up_pages(watched, live_server):
    page, refusals = watched
    make_user("ada", password=PASSWORD)
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.locator("input[name=password1]")).to_be_visible()
    assert refusals() == []

    sign_in(page, live_server, "ada")

    expect(page.locator("header")).to_contain_text("ada")
    assert refusals() == []


def test_consent_redirects_to_another_origin(watched, live_server):
    """Chromium applies form-action to the redirect that answers the consent form's POST."""
    page, refusals = watched
    # Another origin than the page's (live_server is http://localhost:port), on this machine.
    integrator = live_server.url.replace("localhost", "127.0.0.1")
    assert integrator != live_server.url
    redirect_uri = f"{integrator}/integrator/callback"
    creds = make_application("Calendar Helper", redirect_uris=(redirect_uri,))
    make_user("ada", password=PASSWORD)
    sign_in(page, live_server, "ada")
    query = urlencode(
        {
            "response_type": "code",
            "client_id": creds.application.client_id,
            "redirect_uri": redirect_uri,
            "scope": "read_events",
            "state": "st-1",
        }
    )
    page.goto(f"{live_server.url}/oauth/authorize?{query}")

    page.get_by_role("button", name="Allow").click()

    page.wait_for_url(f"{redirect_uri}?**")
    arrived = parse_qs(urlsplit(page.url).query)
    assert arrived["state"] == ["st-1"]
    assert arrived["code"]
    assert refusals() == []


def test_swagger_ui_renders_the_schema(watched, live_server):
    page, refusals = watched
    make_user("ada", password=PASSWORD)
    sign_in(page, live_server, "ada")  # the docs, and the schema they fetch, need a sign-in

    page.goto(f"{live_server.url}/api/docs/")

    # Generating the schema takes seconds (five APIs now); a loaded CI machine takes longer than
    # the page's default 10 s.
    title = page.locator(".swagger-ui .info .title")
    expect(title).to_contain_text("Scheduling platform API", timeout=40_000)
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert refusals() == []


def test_admin_login_and_pages(watched, live_server, django_user_model):
    page, refusals = watched
    django_user_model.objects.create_superuser("boss", "boss@example.test", PASSWORD)
    make_application("Acme")
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()

    page.get_by_role("link", name="Applications", exact=True).click()
    page.locator("#result_list").get_by_role("link", name="Acme").click()
    expect(page.locator("#id_name")).to_have_value("Acme")
    assert refusals() == []


def test_home_page(watched, live_server):
    page, refusals = watched

    page.goto(f"{live_server.url}/")

    expect(page.locator("h1")).to_contain_text("Scheduling platform")
    assert refusals() == []
