"""The OAuth 2.0 half of the fake Google (tests/fakes/google.py), as Google documents its
web-server flow (https://developers.google.com/identity/protocols/oauth2/web-server):

- GET /o/oauth2/auth checks client_id, redirect_uri, response_type=code, scope and access_type and
  shows a consent page ("<app> wants to access your Google Calendar") for the login_hint account;
  Allow redirects to redirect_uri with `code`, `scope` and `state`, Deny with error=access_denied.
  A bad client or redirect URI is an error page, never a redirect (that would be an open one).
- POST /token exchanges a code once (redirect_uri must match) for access and, with
  access_type=offline, refresh tokens, and a refresh token for a new access token (no new
  refresh token); invalid_grant (400) for a used, unknown or revoked grant, invalid_client (401).
- GET /oauth2/v2/userinfo (what django-allauth's Google provider reads), POST /revoke.
The caller holds the fake's lock for `issue` and `drop_tokens`.
"""

import base64
import hashlib
import html
import json
import secrets
import urllib.parse
from typing import TYPE_CHECKING

import jwt

if TYPE_CHECKING:
    from tests.fakes.google import FakeGoogle

IDENTITY_SCOPES = {"openid", "email", "profile"}
KNOWN_SCOPES = IDENTITY_SCOPES | {
    "https://www.googleapis.com/auth/calendar",
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.readonly",
    "https://www.googleapis.com/auth/calendar.events.readonly",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
}
Answer = tuple[int, dict[str, str], bytes]


def route(fake: "FakeGoogle", method: str, path: str, query: dict, headers, body: bytes) -> Answer:
    form = dict(urllib.parse.parse_qsl(body.decode())) if method == "POST" else {}
    if path in {"/o/oauth2/auth", "/o/oauth2/v2/auth"}:
        return _consent(fake, query) if method == "GET" else _decide(fake, form)
    if path == "/token" and method == "POST":
        with fake.lock:
            return _token(fake, form, headers.get("Authorization", ""))
    if path in {"/oauth2/v2/userinfo", "/oauth2/v3/userinfo"}:
        with fake.lock:
            user = fake.users[fake._bearer(headers.get("Authorization", ""))]
        return _json(200, _userinfo(user.email, user.name, v3=path.startswith("/oauth2/v3")))
    if path == "/revoke" and method == "POST":
        return _revoke(fake, query.get("token") or form.get("token", ""))
    return _json(404, {"error": "not_found"})


def issue(fake: "FakeGoogle", email: str, scope: str, *, offline: bool) -> dict:
    access = "ya29." + secrets.token_urlsafe(32)
    fake.access_tokens[access] = (email, fake.clock().timestamp() + fake.access_token_ttl)
    answer = {
        "access_token": access,
        "expires_in": fake.access_token_ttl,
        "scope": scope,
        "token_type": "Bearer",
    }
    if offline:
        refresh = "1//" + secrets.token_urlsafe(32)
        fake.refresh_tokens[refresh] = (email, scope)
        answer["refresh_token"] = refresh
    if "openid" in scope.split():
        answer["id_token"] = _id_token(fake, email)
    return answer


def drop_tokens(fake: "FakeGoogle", email: str) -> None:
    for tokens in (fake.access_tokens, fake.refresh_tokens):
        for token in [t for t, value in tokens.items() if value[0] == email]:
            del tokens[token]
    for code in [c for c, grant in fake.codes.items() if grant["email"] == email]:
        del fake.codes[code]


def _request_error(fake: "FakeGoogle", params: dict) -> tuple[int, str, str] | None:
    """(status, error, description) of a malformed authorization request, or None."""
    if params.get("client_id") != fake.client_id:
        return 401, "invalid_client", "The OAuth client was not found."
    redirect_uri = params.get("redirect_uri", "")
    registered = fake.redirect_uris is None or redirect_uri in fake.redirect_uris
    if not registered or not redirect_uri.startswith(("http://", "https://")):
        return 400, "redirect_uri_mismatch", "The redirect URI is not registered for the client."
    if params.get("response_type") != "code":
        return 400, "invalid_request", "Invalid response_type."
    scopes = set(params.get("scope", "").split())
    if not scopes:
        return 400, "invalid_request", "Missing required parameter: scope"
    if scopes - KNOWN_SCOPES:
        return 400, "invalid_scope", f"Some requested scopes were invalid: {scopes - KNOWN_SCOPES}"
    if params.get("access_type", "online") not in {"online", "offline"}:
        return 400, "invalid_request", "Invalid access_type."
    hint = params.get("login_hint", "")
    if hint and hint not in fake.users:
        return 400, "invalid_request", f"Couldn't find your Google Account: {hint}"
    return None


def _consent(fake: "FakeGoogle", params: dict) -> Answer:
    problem = _request_error(fake, params)
    if problem:
        return _error_page(*problem)
    fields = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
        if k != "login_hint"
    )
    hint = params.get("login_hint", "")
    account = (
        f'<p class="account">{html.escape(hint)}</p>'
        f'<input type="hidden" name="login_hint" value="{html.escape(hint)}">'
        if hint
        else '<label>Email <input type="email" name="login_hint" required></label>'
    )
    page = f"""<!doctype html><html><head><title>Sign in - Google Accounts</title></head><body>
<h1>{html.escape(fake.app_name)} wants to access your Google Calendar</h1>
<form method="post" action="/o/oauth2/auth">{fields}{account}
<p>This will allow {html.escape(fake.app_name)} to see, edit, share, and permanently delete all the
calendars you can access using Google Calendar.</p>
<button type="submit" name="decision" value="deny" id="submit_deny_access">Deny</button>
<button type="submit" name="decision" value="allow" id="submit_approve_access">Allow</button>
</form></body></html>"""
    return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()


def _decide(fake: "FakeGoogle", form: dict) -> Answer:
    with fake.lock:
        problem = _request_error(fake, form)
        if problem is None and form.get("login_hint", "") not in fake.users:
            problem = (400, "invalid_request", "Couldn't find your Google Account.")
        if problem:
            return _error_page(*problem)
        state = {"state": form["state"]} if "state" in form else {}
        if form.get("decision") != "allow":
            return _redirect(form["redirect_uri"], {"error": "access_denied", **state})
        code = "4/" + secrets.token_urlsafe(24)
        fake.codes[code] = {
            "email": form["login_hint"],
            "redirect_uri": form["redirect_uri"],
            "scope": form["scope"],
            "offline": form.get("access_type") == "offline",
        }
    return _redirect(form["redirect_uri"], {"code": code, "scope": form["scope"], **state})


def _token(fake: "FakeGoogle", form: dict, authorization: str) -> Answer:
    client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
    if authorization.startswith("Basic "):
        pair = base64.b64decode(authorization[6:]).decode()
        client_id, _, client_secret = (urllib.parse.unquote(p) for p in pair.partition(":"))
    if client_id != fake.client_id or client_secret != fake.client_secret:
        return _json(401, {"error": "invalid_client", "error_description": "Unauthorized"})
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        grant = fake.codes.pop(form.get("code", ""), None)
        if grant is None:
            return _json(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        if grant["redirect_uri"] != form.get("redirect_uri"):
            return _json(
                400, {"error": "redirect_uri_mismatch", "error_description": "Bad Request"}
            )
        return _json(200, issue(fake, grant["email"], grant["scope"], offline=grant["offline"]))
    if grant_type == "refresh_token":
        email, scope = fake.refresh_tokens.get(form.get("refresh_token", ""), ("", ""))
        if not email:
            description = "Token has been expired or revoked."
            return _json(400, {"error": "invalid_grant", "error_description": description})
        return _json(200, issue(fake, email, scope, offline=False))
    description = f"Invalid grant_type: {grant_type}"
    return _json(400, {"error": "unsupported_grant_type", "error_description": description})


def _revoke(fake: "FakeGoogle", token: str) -> Answer:
    """Revoking either token of a grant revokes the grant (all the user's tokens here)."""
    with fake.lock:
        owner = (fake.access_tokens.get(token) or fake.refresh_tokens.get(token) or ("",))[0]
        if not owner:
            error = {"error": "invalid_token", "error_description": "Token expired or revoked"}
            return _json(400, error)
        drop_tokens(fake, owner)
    return _json(200, {})


def _userinfo(email: str, name: str, *, v3: bool) -> dict:
    user_id = str(int(hashlib.sha256(email.encode()).hexdigest()[:15], 16))
    info = {"email": email, "name": name, "given_name": name.split()[0], "picture": ""}
    if v3:
        return {"sub": user_id, "email_verified": True, **info}
    return {"id": user_id, "verified_email": True, **info}


def _id_token(fake: "FakeGoogle", email: str) -> str:
    """An ID token with Google's claims. Signed with the client secret (HS256), not Google's
    keys: a client that got it straight from the token endpoint over TLS may skip the signature
    check (OpenID Connect Core 3.1.3.7), as django-allauth does."""
    now = int(fake.clock().timestamp())
    user = fake.users[email]
    claims = {
        "iss": "https://accounts.google.com",
        "aud": fake.client_id,
        "azp": fake.client_id,
        "iat": now,
        "exp": now + fake.access_token_ttl,
        **_userinfo(email, user.name, v3=True),
    }
    return jwt.encode(claims, fake.client_secret, algorithm="HS256")


def _redirect(uri: str, params: dict) -> Answer:
    separator = "&" if urllib.parse.urlsplit(uri).query else "?"
    location = uri + separator + urllib.parse.urlencode(params)
    return 302, {"Location": location, "Content-Type": "text/html"}, b""


def _error_page(status: int, error: str, description: str) -> Answer:
    page = (
        "<!doctype html><html><head><title>Error</title></head><body>"
        f"<h1>Access blocked: authorization error</h1><p>Error {status}: {html.escape(error)}</p>"
        f"<p>{html.escape(description)}</p></body></html>"
    )
    return status, {"Content-Type": "text/html; charset=utf-8"}, page.encode()


def _json(status: int, body: dict) -> Answer:
    return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode()
