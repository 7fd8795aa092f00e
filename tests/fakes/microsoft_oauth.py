"""The identity-platform half of the fake Microsoft (tests/fakes/microsoft.py): the auth-code flow
as Microsoft documents it (https://learn.microsoft.com/entra/identity-platform/
v2-oauth2-auth-code-flow):

- /common/oauth2/v2.0/authorize checks client_id and redirect_uri (an unknown client is an error
  page, never a redirect), response_type=code and the scopes (offline_access and
  Calendars.ReadWrite), and shows a consent page; Accept redirects to redirect_uri with `code` and
  `state`, Cancel with error=access_denied.
- POST /common/oauth2/v2.0/token: the authorization_code grant (once; redirect_uri must match) and
  the refresh_token grant, each answering with a NEW refresh token; errors as `invalid_grant`,
  `invalid_client` or `unsupported_grant_type` with AADSTS error_codes.
"""

import base64
import datetime as dt
import secrets
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode

from tests.fakes.microsoft_calendar import UTC
from tests.fakes.microsoft_graph import as_json

if TYPE_CHECKING:
    from tests.fakes.microsoft import FakeGraph

REQUIRED_SCOPES = {"offline_access", "calendars.readwrite"}
CONSENT_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Permissions requested</title></head>
<body><h1>Permissions requested</h1><p>The application wants to: {scope}</p>
<form method="post" action="/common/oauth2/v2.0/authorize">{hidden}
<label>Account <input name="login_hint" value="{email}"></label>
<button type="submit" name="consent" value="accept">Accept</button>
<button type="submit" name="consent" value="cancel">Cancel</button></form></body></html>"""


def oauth(fake: "FakeGraph", handler, path: str, query: dict, body: bytes) -> None:
    form = {k: v[-1] for k, v in parse_qs(body.decode()).items()} if body else {}
    if path.endswith("/token") and handler.command == "POST":
        status, answer = token(fake, form, handler.headers.get("Authorization", ""))
        return handler.send(status, as_json(answer))
    if not path.endswith("/authorize"):
        return handler.send(404, b"not found", kind="text/plain")
    params = query if handler.command == "GET" else form
    if params.get("client_id") != fake.client_id or not params.get("redirect_uri"):
        page = (
            f"AADSTS700016: Application with identifier '{params.get('client_id')}' was not found."
        )
        return handler.send(400, page.encode(), kind="text/html; charset=utf-8")
    redirect, state = params["redirect_uri"], params.get("state", "")

    def back(**answer: str):
        target = redirect + ("&" if "?" in redirect else "?") + urlencode(answer | {"state": state})
        handler.send(302, b"", {"Location": target})

    scopes = {s.rsplit("/", 1)[-1].lower() for s in params.get("scope", "").split()}
    if params.get("response_type") != "code":
        return back(error="unsupported_response_type", error_description="Only response_type=code.")
    if not scopes >= REQUIRED_SCOPES:
        return back(
            error="invalid_scope",
            error_description="offline_access and Calendars.ReadWrite are required.",
        )
    if handler.command == "GET":
        keep = ("client_id", "redirect_uri", "response_type", "scope", "state")
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{html_escape(params.get(k, ""))}">'
            for k in keep
        )
        page = CONSENT_PAGE.format(
            scope=html_escape(params["scope"]),
            hidden=hidden,
            email=html_escape(params.get("login_hint", "")),
        )
        return handler.send(200, page.encode(), kind="text/html; charset=utf-8")
    if params.get("consent") != "accept":
        return back(
            error="access_denied",
            error_description="AADSTS65004: User declined to consent to access the app.",
        )
    email = params.get("login_hint") or "user@example.com"
    fake.add_user(email)
    code = "M.C5" + secrets.token_urlsafe(24)
    with fake.lock:
        fake.codes[code] = {"email": email, "redirect_uri": redirect, "scope": params["scope"]}
    return back(code=code)


def token(fake: "FakeGraph", form: dict, authorization: str) -> tuple[int, dict]:
    """POST /token: authorization_code or refresh_token (each answer with a new refresh token)."""
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if authorization.startswith("Basic "):
        client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
    if client_id != fake.client_id or secret != fake.client_secret:
        return 401, oauth_error("invalid_client", 7000215, "Invalid client secret provided.")
    grant_type = form.get("grant_type")
    with fake.lock:
        if grant_type == "authorization_code":
            issued = fake.codes.pop(form.get("code", ""), None)
            if not issued or issued["redirect_uri"] != form.get("redirect_uri"):
                return 400, oauth_error(
                    "invalid_grant", 70000, "The provided authorization code is invalid."
                )
            return 200, fake.grant(issued["email"], form.get("scope") or issued["scope"])
        if grant_type == "refresh_token":
            email = fake.refresh_tokens.get(form.get("refresh_token", ""))
            if not email:
                return 400, oauth_error(
                    "invalid_grant", 50173, "The provided grant has been revoked or has expired."
                )
            return 200, fake.grant(email, form.get("scope") or "offline_access Calendars.ReadWrite")
    return 400, oauth_error(
        "unsupported_grant_type", 70003, "The app requested an unsupported grant type."
    )


def oauth_error(error: str, code: int, description: str) -> dict:
    return {
        "error": error,
        "error_description": f"AADSTS{code}: {description}",
        "error_codes": [code],
        "timestamp": dt.datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ"),
        "trace_id": secrets.token_hex(16),
        "correlation_id": secrets.token_hex(16),
    }


def html_escape(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
