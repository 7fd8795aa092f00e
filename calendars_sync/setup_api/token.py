"""`POST /connect/token`: OnSched's client-credentials grant (its identity server's token URL).

The application's client_id and client_secret, form-encoded as OnSched's SDKs send them (JSON
and HTTP Basic are accepted too), checked by the core's ClientCredentialsAuthentication with its
rate limiting of failed client authentications. Errors are RFC 6749's (the core's OAUTH_ERRORS):
401 invalid_client, 400 unsupported_grant_type / invalid_scope / invalid_request.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from calendars_sync.services.setup_tokens import SETUP_SCOPE, setup_token_issue
from calendars_sync.setup_api.serializers import (
    OnSchedTokenRequestSerializer,
    OnSchedTokenSerializer,
)
from scheduling.api.oauth import NO_STORE, ClientCredentialsEndpoint
from scheduling.api.parsers import LimitedFormParser, LimitedJSONParser
from scheduling.errors import ValidationFailed


class ConnectTokenView(ClientCredentialsEndpoint):
    parser_classes = [LimitedFormParser, LimitedJSONParser]  # form first, as OnSched's SDKs send

    @extend_schema(
        operation_id="connect_token",
        request={
            "application/x-www-form-urlencoded": OnSchedTokenRequestSerializer,
            "application/json": OnSchedTokenRequestSerializer,
        },
        responses={200: OnSchedTokenSerializer},
    )
    def post(self, request):
        params = OnSchedTokenRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        if params.validated_data["grant_type"] != "client_credentials":
            raise ValidationFailed.one(
                "grant_type", "unsupported_grant_type", "Only client_credentials is supported."
            )
        scopes = set(params.validated_data.get("scope", "").split())
        if scopes - {SETUP_SCOPE}:
            raise ValidationFailed.one("scope", "invalid_scope", f"The scope is {SETUP_SCOPE}.")
        token = setup_token_issue(application=request.user.application)
        body = {
            "access_token": token.access_token,
            "token_type": "Bearer",
            "expires_in": token.expires_in,
            "scope": token.scope,
        }
        return Response(body, headers=NO_STORE)
