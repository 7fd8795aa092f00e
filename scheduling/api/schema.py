"""OpenAPI descriptions of the authentication classes (drf-spectacular extensions).

Imported from SchedulingConfig.ready() so that the schema generator knows them. The bearer schemes
differ in which credential the token is; client credentials are HTTP Basic or body fields.
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


class ClientCredentialsScheme(OpenApiAuthenticationExtension):
    """OpenAPI has no scheme for credentials in the body: described as HTTP Basic, which is
    accepted too, with the body fields (client_id, client_secret) in the request schema."""

    target_class = "scheduling.api.authentication.ClientCredentialsAuthentication"
    name = "clientCredentials"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": (
                "The application's client_id and client_secret: as client_id and client_secret "
                "in the request body (JSON or form-encoded), or, when the body carries neither, "
                "as HTTP Basic (RFC 6749 section 2.3.1). An Authorization: Bearer header is "
                "ignored."
            ),
        }
