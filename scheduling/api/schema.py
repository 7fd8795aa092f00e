"""OpenAPI descriptions of the authentication classes (drf-spectacular extensions).

Imported from SchedulingConfig.ready() so that the schema generator knows them. Every scheme is an
HTTP bearer token; they differ in which credential the token is.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class _BearerScheme(OpenApiAuthenticationExtension):
    description = ""

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": self.description}


class AccessTokenScheme(_BearerScheme):
    target_class = "scheduling.api.authentication.AccessTokenAuthentication"
    name = "accessToken"
    description = "An account's access token (from /oauth/token or /v1/application_calendars)."


class ApiKeyScheme(_BearerScheme):
    target_class = "scheduling.api.authentication.ApiKeyAuthentication"
    name = "apiKey"
    description = "The application's client secret, used as its API key."


class AccessTokenOrApiKeyScheme(_BearerScheme):
    """One scheme that takes either credential (availability queries)."""

    target_class = "scheduling.api.authentication.AccessTokenOrApiKeyAuthentication"
    name = "accessTokenOrApiKey"
    description = (
        "An account's access token (its own account only), or the application's client secret "
        "used as its API key."
    )
