"""OpenAPI descriptions of the authentication classes (drf-spectacular extensions).

Imported from SchedulingConfig.ready() so that the schema generator knows them.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "scheduling.api.authentication.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An account's access token (from /oauth/token or "
            "/v1/application_calendars).",
        }


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "scheduling.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The application's client secret, used as its API key.",
        }


class AccessTokenOrApiKeyScheme(OpenApiAuthenticationExtension):
    """One bearer scheme that takes either credential (availability queries)."""

    target_class = "scheduling.api.authentication.AccessTokenOrApiKeyAuthentication"
    name = "accessTokenOrApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An account's access token, or the application's client secret "
            "used as its API key.",
        }
