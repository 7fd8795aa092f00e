"""The OpenAPI scheme of /setup/v1's authentication (imported from CalendarsSyncConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SetupTokenScheme(OpenApiAuthenticationExtension):
    target_class = "calendars_sync.setup_api.authentication.SetupTokenAuthentication"
    name = "onschedToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "OnSched's form: a one-hour access token from POST /connect/token "
                "(grant_type=client_credentials with the application's client_id and "
                "client_secret)."
            ),
        }
