"""/setup/v1 authentication: `Authorization: Bearer <token>` with a token from `POST
/connect/token` (calendars_sync/services/setup_tokens.py). An unknown or expired token is a 401;
failures are rate limited per client address like the core's bearer credentials
(scheduling/ratelimit.py API_CREDENTIALS). The caller is the token's application."""

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from calendars_sync.selectors import setup_token_application
from calendars_sync.setup_api.errors import CHALLENGE
from scheduling.api.authentication import (
    Caller,
    bearer_credential,
    failures_limited,
    has_bearer_header,
)
from scheduling.ratelimit import API_CREDENTIALS


class SetupTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        if not has_bearer_header(request):
            return None
        with failures_limited(request, API_CREDENTIALS):
            application = setup_token_application(raw=bearer_credential(request) or "")
            if application is None:
                raise exceptions.AuthenticationFailed("Invalid or expired access token.")
        return Caller(application), None

    def authenticate_header(self, request) -> str:
        return CHALLENGE
