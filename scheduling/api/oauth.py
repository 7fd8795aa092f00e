"""OAuth endpoints: POST /oauth/token, POST /oauth/token/revoke (and the consent page's route).

Clients authenticate with client_id + client_secret in the body (JSON or form-encoded), or with
HTTP Basic (RFC 6749 section 2.3.1) when the body carries neither. pycronofy also sends
`Authorization: Bearer <its current access token or None>`; that header is ignored here.
"""

import base64
import binascii
from urllib.parse import unquote_plus

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.api.errors import OAUTH_ERRORS
from scheduling.api.parsers import LimitedFormParser, LimitedJSONParser
from scheduling.errors import ValidationFailed
from scheduling.models import Application
from scheduling.pages.authorize import authorize
from scheduling.selectors.accounts import account_linking_profile
from scheduling.selectors.credentials import application_for_client_credentials
from scheduling.services.accounts import LOCAL_PROVIDER
from scheduling.services.oauth import (
    authorization_code_exchange,
    authorization_revoke,
    refresh_token_exchange,
)
from scheduling.services.tokens import IssuedTokens

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _basic_credentials(request) -> tuple[str, str] | None:
    header = get_authorization_header(request).split()
    if len(header) != 2 or header[0].lower() != b"basic":
        return None
    try:
        decoded = base64.b64decode(header[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, client_secret = decoded.partition(":")
    if not sep:
        return None
    # RFC 6749 2.3.1: both parts are form-urlencoded before they are joined.
    return unquote_plus(client_id), unquote_plus(client_secret)


def authenticate_client(request, data: dict) -> Application:
    """The application whose credentials the request carries; AuthenticationFailed otherwise."""
    client_id, client_secret = data.get("client_id", ""), data.get("client_secret", "")
    if not client_id and not client_secret:
        client_id, client_secret = _basic_credentials(request) or ("", "")
    application = application_for_client_credentials(
        client_id=client_id, client_secret=client_secret
    )
    if application is None:
        raise AuthenticationFailed("Invalid client credentials.")
    return application


def _optional(max_length: int) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length, trim_whitespace=False
    )


class ClientCredentialsSerializer(serializers.Serializer):
    client_id = _optional(200)
    client_secret = _optional(200)


class TokenRequestSerializer(ClientCredentialsSerializer):
    grant_type = serializers.CharField(max_length=64)
    code = _optional(200)
    redirect_uri = _optional(2000)
    refresh_token = _optional(200)


class RevokeRequestSerializer(ClientCredentialsSerializer):
    token = _optional(200)
    sub = _optional(40)
    token_type_hint = _optional(64)  # RFC 7009 allows it; both kinds are looked up anyway


class LinkingProfileSerializer(serializers.Serializer):
    provider_name = serializers.CharField()
    profile_id = serializers.CharField()
    profile_name = serializers.CharField()


class TokenBodySerializer(serializers.Serializer):
    """The fields of token_body(): every token response has them."""

    token_type = serializers.CharField()
    access_token = serializers.CharField()
    expires_in = serializers.IntegerField()
    refresh_token = serializers.CharField()
    scope = serializers.CharField()
    sub = serializers.CharField()
    linking_profile = LinkingProfileSerializer()


class TokenResponseSerializer(TokenBodySerializer):
    account_id = serializers.CharField()


class OAuthErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    error_description = serializers.CharField()


OAUTH_ERROR_RESPONSES = {
    400: OpenApiResponse(OAuthErrorSerializer, description="invalid_request, invalid_grant, ..."),
    401: OpenApiResponse(OAuthErrorSerializer, description="invalid_client"),
}


def token_body(tokens: IssuedTokens) -> dict:
    """The fields every token response shares (OAuth tokens and application calendars)."""
    account = tokens.grant.account
    profile = account_linking_profile(account=account)
    return {
        "token_type": "bearer",
        "access_token": tokens.access_token,
        "expires_in": int(tokens.expires_in),
        "refresh_token": tokens.refresh_token,
        "scope": tokens.scope,
        "sub": account.sub,
        "linking_profile": {
            "provider_name": profile.provider_name if profile else LOCAL_PROVIDER,
            "profile_id": profile.profile_id if profile else "",
            "profile_name": profile.profile_name if profile else "",
        },
    }


def _required(data: dict, *fields: str) -> None:
    for field in fields:
        if not data[field]:
            raise ValidationFailed.one(field, "invalid_request", "This field is required.")


def _exchange(application: Application, data: dict) -> IssuedTokens:
    grant_type = data["grant_type"]
    if grant_type == "authorization_code":
        _required(data, "code", "redirect_uri")
        return authorization_code_exchange(
            application=application, code=data["code"], redirect_uri=data["redirect_uri"]
        )
    if grant_type == "refresh_token":
        _required(data, "refresh_token")
        return refresh_token_exchange(application=application, refresh_token=data["refresh_token"])
    raise ValidationFailed.one(
        "grant_type", "unsupported_grant_type", "Use authorization_code or refresh_token."
    )


class TokenView(APIView):
    authentication_classes = []
    permission_classes = []
    parser_classes = [LimitedJSONParser, LimitedFormParser]
    error_dialect = OAUTH_ERRORS

    @extend_schema(
        operation_id="oauth_token",
        request={
            "application/json": TokenRequestSerializer,
            "application/x-www-form-urlencoded": TokenRequestSerializer,
        },
        responses={200: TokenResponseSerializer, **OAUTH_ERROR_RESPONSES},
        auth=[],
    )
    def post(self, request):
        params = TokenRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        application = authenticate_client(request, params.validated_data)
        tokens = _exchange(application, params.validated_data)
        body = token_body(tokens)
        body["account_id"] = body["sub"]
        return Response(body, headers=NO_STORE)


class RevokeView(APIView):
    authentication_classes = []
    permission_classes = []
    parser_classes = [LimitedJSONParser, LimitedFormParser]
    error_dialect = OAUTH_ERRORS

    @extend_schema(
        operation_id="oauth_token_revoke",
        request={
            "application/json": RevokeRequestSerializer,
            "application/x-www-form-urlencoded": RevokeRequestSerializer,
        },
        responses={
            200: OpenApiResponse(description="Revoked, or nothing to revoke."),
            **OAUTH_ERROR_RESPONSES,
        },
        auth=[],
    )
    def post(self, request):
        params = RevokeRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        application = authenticate_client(request, params.validated_data)
        authorization_revoke(
            application=application,
            token=params.validated_data["token"],
            sub=params.validated_data["sub"],
        )
        return Response(status=200, headers=NO_STORE)


urlpatterns = [
    path("token", TokenView.as_view(), name="oauth-token"),
    path("token/revoke", RevokeView.as_view(), name="oauth-token-revoke"),
    # The consent page is server-rendered (scheduling/pages/authorize.py) but lives under /oauth.
    path("authorize", authorize, name="oauth-authorize"),
]
