"""People connect their Google and Microsoft calendars through django-allauth.

Two parts:
- Providers whose OAuth adapters read the endpoints from our settings at request time
  (GOOGLE_OAUTH_AUTHORIZE_URL, GOOGLE_OAUTH_TOKEN_URL, GOOGLE_OAUTH_USERINFO_URL, the MICROSOFT_
  ones and MICROSOFT_GRAPH_URL), so that a deployment or a test points them elsewhere. allauth's
  own adapters read fixed URLs (Google's at import time). The providers come in through allauth's
  documented `provider_class` setting (SOCIALACCOUNT_PROVIDERS), which the consent redirect uses;
  the callback views below take the same adapters (config/urls.py mounts them before allauth's,
  under the same names).
- Receivers: when allauth adds or updates a Google or Microsoft account of a person (a connect,
  a reconnect, a sign-up through it, or a sign-in with an account already connected), the
  tokens of that login become the person's calendar connection, found again by the e-mail
  address, so a new consent reuses the connection. Tokens go encrypted into the connection only
  (SOCIALACCOUNT_STORE_TOKENS is off) and are never logged.
"""

import datetime as dt
import logging

from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.google.provider import GoogleProvider
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from allauth.socialaccount.providers.microsoft.provider import MicrosoftGraphProvider
from allauth.socialaccount.providers.microsoft.views import MicrosoftGraphOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import path
from django.utils import timezone

from calendars_sync.models import Connection, Provider
from calendars_sync.services.connections import connection_activate, connection_ensure
from scheduling.services.accounts import user_account_ensure

logger = logging.getLogger(__name__)

# Google's tokens have lived an hour for years; used when a token response names no lifetime.
DEFAULT_TOKEN_LIFETIME = dt.timedelta(hours=1)


class GoogleCalendarAdapter(GoogleOAuth2Adapter):
    """Google's OAuth adapter at the endpoints our settings name. The person's identity is read
    from the userinfo endpoint with the fresh access token (received straight from the token
    endpoint), not from the id_token, whose issuer allauth fixes to Google's."""

    @property
    def authorize_url(self) -> str:
        return settings.GOOGLE_OAUTH_AUTHORIZE_URL

    @property
    def access_token_url(self) -> str:
        return settings.GOOGLE_OAUTH_TOKEN_URL

    @property
    def identity_url(self) -> str:
        return settings.GOOGLE_OAUTH_USERINFO_URL

    def complete_login(self, request: HttpRequest, app, token, **kwargs) -> SocialLogin:
        data = self._fetch_user_info(token.token)
        return self.get_provider().sociallogin_from_response(request, data)


class MicrosoftCalendarAdapter(MicrosoftGraphOAuth2Adapter):
    """Microsoft's OAuth adapter at the endpoints our settings name (allauth builds them from a
    tenant and login_url instead)."""

    @property
    def authorize_url(self) -> str:
        return settings.MICROSOFT_OAUTH_AUTHORIZE_URL

    @property
    def access_token_url(self) -> str:
        return settings.MICROSOFT_OAUTH_TOKEN_URL

    @property
    def profile_url(self) -> str:
        return f"{settings.MICROSOFT_GRAPH_URL.rstrip('/')}/me"


class GoogleCalendarProvider(GoogleProvider):
    oauth2_adapter_class = GoogleCalendarAdapter
    package = "allauth.socialaccount.providers.google"  # its URLs (ours override two below)


class MicrosoftCalendarProvider(MicrosoftGraphProvider):
    oauth2_adapter_class = MicrosoftCalendarAdapter
    package = "allauth.socialaccount.providers.microsoft"


# Mounted under accounts/ before allauth's URLs: the same paths and names, our adapters.
provider_urlpatterns = [
    path(
        "google/login/",
        OAuth2LoginView.adapter_view(GoogleCalendarAdapter),
        name="google_login",
    ),
    path(
        "google/login/callback/",
        OAuth2CallbackView.adapter_view(GoogleCalendarAdapter),
        name="google_callback",
    ),
    path(
        "microsoft/login/",
        OAuth2LoginView.adapter_view(MicrosoftCalendarAdapter),
        name="microsoft_login",
    ),
    path(
        "microsoft/login/callback/",
        OAuth2CallbackView.adapter_view(MicrosoftCalendarAdapter),
        name="microsoft_callback",
    ),
]


def _email(data: dict) -> str:
    # Google's userinfo and id_token say `email`; Graph's /me `mail`, or for accounts without a
    # mailbox address the sign-in name `userPrincipalName`.
    return data.get("email") or data.get("mail") or data.get("userPrincipalName") or ""


def sociallogin_secrets(sociallogin: SocialLogin, *, now: dt.datetime) -> dict:
    """The stored form of the login's OAuth tokens (allauth keeps the refresh token in
    `token_secret`; empty when the provider sent none, so the one stored is kept)."""
    token = sociallogin.token
    expires_at = token.expires_at or now + DEFAULT_TOKEN_LIFETIME
    return {
        "access_token": token.token,
        "refresh_token": token.token_secret or "",
        "expires_at": expires_at.isoformat(),
    }


def connection_from_sociallogin(
    *, sociallogin: SocialLogin, now: dt.datetime | None = None
) -> Connection | None:
    """The person's connection for this Google or Microsoft login, activated with its tokens;
    None when the login carries no token or no e-mail address, or is another provider's."""
    now = now or timezone.now()
    provider = sociallogin.account.provider
    if provider not in (Provider.GOOGLE, Provider.MICROSOFT) or sociallogin.token is None:
        return None
    email = _email(sociallogin.account.extra_data or {})
    if not email or sociallogin.user is None or sociallogin.user.pk is None:
        return None
    with transaction.atomic():
        account = user_account_ensure(user=sociallogin.user, now=now)
        connection = connection_ensure(
            account=account, provider=provider, external_account=email, now=now
        )
        connection = connection_activate(
            connection=connection, secrets=sociallogin_secrets(sociallogin, now=now), now=now
        )
    logger.info("calendar connection %s activated through allauth", connection.connection_id)
    return connection


def social_account_added(sender, request: HttpRequest, sociallogin: SocialLogin, **kwargs) -> None:
    """A person connected a Google or Microsoft account (allauth's connect process)."""
    connection_from_sociallogin(sociallogin=sociallogin)


def user_signed_up(sender, request: HttpRequest, user, sociallogin=None, **kwargs) -> None:
    """A person signed up through Google or Microsoft: allauth adds that account without
    social_account_added, so the connection starts here."""
    if sociallogin is not None:
        connection_from_sociallogin(sociallogin=sociallogin)


def social_account_updated(
    sender, request: HttpRequest, sociallogin: SocialLogin, **kwargs
) -> None:
    """An account already connected came back with fresh tokens: a reconnect, or a sign-in
    through it (allauth sends this from its lookup, before the sign-in or connect goes on). A
    signed-in person connecting an account that belongs to someone else gets allauth's refusal
    next; their tokens must not refresh the other person's connection."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.pk != sociallogin.user.pk:
        return
    connection_from_sociallogin(sociallogin=sociallogin)
