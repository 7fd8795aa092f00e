"""The consent page, GET/POST /oauth/authorize."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from scheduling import credentials
from scheduling.models import Account, Application, AuthorizationCode, Grant
from scheduling.pages.redirects import redirect_uri_source
from scheduling.scopes import DEFAULT_SCOPE
from tests.factories import REDIRECT_URI, make_application, make_user

pytestmark = pytest.mark.django_db

REDIRECT_WITH_QUERY = "http://127.0.0.1:9/callback?tenant=7&x="


@pytest.fixture
def creds(db):
    return make_application("Calendar Helper", redirect_uris=(REDIRECT_URI, REDIRECT_WITH_QUERY))


@pytest.fixture
def user(db):
    return make_user("alice")


@pytest.fixture
def browser(user):
    client = Client()
    client.force_login(user)
    return client


def request_params(creds, **overrides) -> dict:
    params = {
        "response_type": "code",
        "client_id": creds.application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "read_account read_events",
        "state": "st-123",
    }
    return params | overrides


def authorize_url(params: dict) -> str:
    return "/oauth/authorize?" + urlencode(params)


def redirect_query(response, redirect_uri: str = REDIRECT_URI) -> dict:
    assert response.status_code == 302
    location = response["Location"]
    base = urlsplit(redirect_uri)
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc, parts.path) == (base.scheme, base.netloc, base.path)
    return {key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}


def assert_nothing_written() -> None:
    assert not AuthorizationCode.objects.exists()
    assert not Grant.objects.exists()
    assert not Account.objects.filter(kind=Account.Kind.USER).exists()


def test_anonymous_visitor_is_sent_to_login_with_next(creds):
    params = request_params(creds)

    response = Client().get(authorize_url(params))

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    next_url = urlsplit(parse_qs(location.query)["next"][0])
    assert next_url.path == "/oauth/authorize"
    assert {k: v[0] for k, v in parse_qs(next_url.query).items()} == params


def test_consent_page_names_the_application_and_the_scopes_in_words(creds, browser):
    response = browser.get(authorize_url(request_params(creds)))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Calendar Helper" in html
    assert "See your name, email address and time zone" in html
    assert "Read the events in your calendars" in html
    assert "Create and update events" not in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'value="allow"' in html
    assert 'value="deny"' in html
    assert "no-cache" in response["Cache-Control"]
    assert_nothing_written()


def test_empty_scope_asks_for_the_default_scope(creds, browser):
    response = browser.get(authorize_url(request_params(creds, scope="")))

    assert response.status_code == 200
    assert response.context["fields"]["scope"] == DEFAULT_SCOPE
    assert "Delete the events it manages in your calendars" in response.content.decode()


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "unknown-client"},
        {"client_id": ""},
        {"redirect_uri": "http://evil.example/steal"},
        {"redirect_uri": REDIRECT_URI + "/"},  # exact match only
        {"redirect_uri": ""},
    ],
)
def test_bad_client_or_redirect_uri_shows_an_error_page_without_redirect(creds, browser, overrides):
    response = browser.get(authorize_url(request_params(creds, **overrides)))

    assert response.status_code == 400
    assert not response.has_header("Location")
    assert "cannot be completed" in response.content.decode()
    assert_nothing_written()


def test_inactive_application_shows_an_error_page(creds, browser):
    Application.objects.filter(pk=creds.application.pk).update(is_active=False)

    response = browser.get(authorize_url(request_params(creds)))

    assert response.status_code == 400
    assert not response.has_header("Location")


def test_error_page_is_shown_to_anonymous_visitors_too(creds):
    response = Client().get(authorize_url(request_params(creds, client_id="unknown")))
    assert response.status_code == 400
    assert not response.has_header("Location")


def test_unsupported_response_type_goes_back_to_the_client(creds, browser):
    response = browser.get(authorize_url(request_params(creds, response_type="token")))

    assert redirect_query(response) == {"error": "unsupported_response_type", "state": "st-123"}
    assert_nothing_written()


def test_unknown_scope_goes_back_to_the_client_as_invalid_scope(creds, browser):
    response = browser.get(authorize_url(request_params(creds, scope="read_events root")))

    assert redirect_query(response) == {"error": "invalid_scope", "state": "st-123"}
    assert_nothing_written()


def test_allow_issues_a_hashed_code_and_redirects_with_code_and_state(creds, browser, user):
    response = browser.post("/oauth/authorize", request_params(creds) | {"decision": "allow"})

    query = redirect_query(response)
    assert set(query) == {"code", "state"}
    assert query["state"] == "st-123"
    stored = AuthorizationCode.objects.get()
    assert stored.code_hash == credentials.hash_token(query["code"])
    assert stored.code_hash != query["code"]
    assert stored.scope == "read_account read_events"
    assert stored.redirect_uri == REDIRECT_URI
    assert stored.account == user.scheduling_account
    grant = Grant.objects.get()
    assert (grant.application, grant.account) == (creds.application, user.scheduling_account)


def test_allow_keeps_the_query_the_redirect_uri_already_has(creds, browser):
    params = request_params(creds, redirect_uri=REDIRECT_WITH_QUERY, state="")

    response = browser.post("/oauth/authorize", params | {"decision": "allow"})

    query = redirect_query(response, REDIRECT_WITH_QUERY)
    assert query["tenant"] == "7"
    assert query["x"] == ""
    assert "code" in query
    assert "state" not in query  # no state asked, none echoed


def test_deny_redirects_with_access_denied_and_writes_nothing(creds, browser):
    response = browser.post("/oauth/authorize", request_params(creds) | {"decision": "deny"})

    assert redirect_query(response) == {"error": "access_denied", "state": "st-123"}
    assert_nothing_written()


def test_post_checks_the_request_again(creds, browser):
    params = request_params(creds, redirect_uri="http://evil.example/steal")

    response = browser.post("/oauth/authorize", params | {"decision": "allow"})

    assert response.status_code == 400
    assert not response.has_header("Location")
    assert_nothing_written()


def test_post_without_a_decision_is_an_error_page(creds, browser):
    response = browser.post("/oauth/authorize", request_params(creds))
    assert response.status_code == 400
    assert_nothing_written()


def test_anonymous_post_is_sent_to_login_and_writes_nothing(creds):
    response = Client().post("/oauth/authorize", request_params(creds) | {"decision": "allow"})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/accounts/login/"
    assert_nothing_written()


def test_consent_post_needs_the_csrf_token(creds, user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    params = request_params(creds) | {"decision": "allow"}

    forged = browser.post("/oauth/authorize", params)

    assert forged.status_code == 403
    assert_nothing_written()
    page = browser.get(authorize_url(request_params(creds)))
    token = page.context["csrf_token"]
    genuine = browser.post("/oauth/authorize", params | {"csrfmiddlewaretoken": str(token)})
    assert "code" in redirect_query(genuine)


def test_consent_page_may_not_be_framed(creds, browser):
    response = browser.get(authorize_url(request_params(creds)))
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_allauth_pages_use_the_site_layout(db, path):
    response = Client().get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "css/site.css" in html
    assert "Menu:" not in html  # allauth's bare default layout


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


def test_consent_page_allows_its_redirect_uri_as_the_form_target(creds, browser):
    """Chromium checks form-action against the redirect that answers the consent POST."""
    response = browser.get(authorize_url(request_params(creds, redirect_uri=REDIRECT_WITH_QUERY)))

    assert response.status_code == 200
    directives = csp_directives(response)
    assert directives["form-action"] == ["'self'", "http://127.0.0.1:9"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    ("redirect_uri", "source"),
    [
        ("https://app.example/cb?x=1", "https://app.example"),
        ("HTTPS://App.Example:8443/cb", "https://app.example:8443"),
        ("https://user:pw@app.example/cb", "https://app.example"),
        ("http://[::1]:9/cb", "http://[::1]:9"),
        ("com.example.app:/oauth", "com.example.app:"),
        ("https://app.example;script-src/cb", None),
        ("https://app example/cb", None),
        ("no scheme", None),
    ],
)
def test_redirect_uri_source_is_the_origin_or_nothing_unsafe(redirect_uri, source):
    assert redirect_uri_source(redirect_uri) == source
