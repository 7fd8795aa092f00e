"""The OpenAPI scheme of /v2's authentication (imported from BookingsConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BasicApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "bookings.v2.authentication.BasicApiKeyAuthentication"
    name = "timekitApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": (
                "Timekit's form: HTTP Basic with an empty user name and the application's "
                "client secret (API key) as the password, i.e. base64(':' + key)."
            ),
        }
