"""OAuth endpoints: POST /oauth/token, POST /oauth/token/revoke (the consent page is pages/).

Clients authenticate with client_id + client_secret in the body (JSON or form-encoded), or with
HTTP Basic (RFC 6749 section 2.3.1) when the body carries neither: ClientCredentialsAuthentication,
which ignores the `Authorization: Bearer <its current access token or None>` pycronofy also sends.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.api.authentication import (
    ClientCredentialsAuthentication,
    ClientCredentialsSerializer,
    IsAuthenticatedApplication,
)
from scheduling.api.errors import OAUTH_ERRORS
from scheduling.api.fields import CharField, IntegerField, optional_text
from scheduling.api.parsers import LimitedFormParser, LimitedJSONParser
from scheduling.selectors.accounts import account_linking_profile
from scheduling.services.accounts import HOSTED_PROVIDER
from scheduling.services.oauth import authorization_revoke, token_exchange
from scheduling.services.tokens import IssuedTokens

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


# An RFC 6749 endpoint that a client calls with its own credentials (/oauth/token,
# /oauth/token/revoke, and calendars_sync's /connect/token): the client authenticated by
# ClientCredentialsAuthentication (failed attempts rate limited), a JSON or form-encoded body,
# errors in RFC 6749's shape. Its answers carry NO_STORE (RFC 6749 section 5.1). A comment, not a
# docstring: the OpenAPI schema would show a docstring as every such operation's description.
class ClientCredentialsEndpoint(APIView):
    authentication_classes = [ClientCredentialsAuthentication]
    permission_classes = [IsAuthenticatedApplication]
    parser_classes = [LimitedJSONParser, LimitedFormParser]
    error_dialect = OAUTH_ERRORS


class TokenRequestSerializer(ClientCredentialsSerializer):
    grant_type = CharField(max_length=64)
    code = optional_text(200)
    redirect_uri = optional_text(2000)
    refresh_token = optional_text(200)


class RevokeRequestSerializer(ClientCredentialsSerializer):
    token = optional_text(200)
    sub = optional_text(40)
    token_type_hint = optional_text(64)  # RFC 7009 allows it; both kinds are looked up anyway


class LinkingProfileSerializer(serializers.Serializer):
    provider_name = CharField()
    profile_id = CharField()
    profile_name = CharField()


class TokenBodySerializer(serializers.Serializer):
    """The fields of token_body(): every token response has them."""

    token_type = CharField()
    access_token = CharField()
    expires_in = IntegerField()
    refresh_token = CharField()
    scope = CharField()
    sub = CharField()
    linking_profile = LinkingProfileSerializer()


class TokenResponseSerializer(TokenBodySerializer):
    account_id = CharField()


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
            "provider_name": profile.provider_name if profile else HOSTED_PROVIDER,
            "profile_id": profile.profile_id if profile else "",
            "profile_name": profile.profile_name if profile else "",
        },
    }


class TokenView(ClientCredentialsEndpoint):
    @extend_schema(
        operation_id="oauth_token",
        request={
            "application/json": TokenRequestSerializer,
            "application/x-www-form-urlencoded": TokenRequestSerializer,
        },
        responses={200: TokenResponseSerializer},
    )
    def post(self, request):
        params = TokenRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        tokens = token_exchange(
            application=request.user.application,
            grant_type=data["grant_type"],
            code=data["code"],
            redirect_uri=data["redirect_uri"],
            refresh_token=data["refresh_token"],
        )
        body = token_body(tokens)
        body["account_id"] = body["sub"]
        return Response(body, headers=NO_STORE)


class RevokeView(ClientCredentialsEndpoint):
    @extend_schema(
        operation_id="oauth_token_revoke",
        request={
            "application/json": RevokeRequestSerializer,
            "application/x-www-form-urlencoded": RevokeRequestSerializer,
        },
        responses={
            200: OpenApiResponse(description="Revoked, or nothing to revoke."),
        },
    )
    def post(self, request):
        params = RevokeRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        authorization_revoke(
            application=request.user.application,
            token=params.validated_data["token"],
            sub=params.validated_data["sub"],
        )
        return Response(status=200, headers=NO_STORE)
