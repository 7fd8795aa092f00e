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


class WidgetKeyScheme(OpenApiAuthenticationExtension):
    """Listed only on the operations a widget key may call (their view's `widget_access`)."""

    target_class = "bookings.v2.authentication.WidgetKeyAuthentication"
    name = "timekitWidgetKey"

    def get_security_requirement(self, auto_schema):
        from bookings.v2.permissions import widget_allows

        return {self.name: []} if widget_allows(auto_schema.view, auto_schema.method) else None

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": (
                "booking.js's public widget key, in the API key's form: base64(':' + key). "
                "Only the widget's calls take it."
            ),
        }
