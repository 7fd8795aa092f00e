"""The OpenAPI schema: the AutoSchema every view uses, and the authentication classes' schemes.

`ApiAutoSchema` documents every error an operation can answer, in its view's error dialect (the
dialect says which status each kind of error gets and the shape of the body), so that a client
or a schema-driven fuzzer meets no response the schema does not describe.

The authentication extensions are imported from SchedulingConfig.ready() so that the schema
generator knows them. The bearer schemes differ in which credential the token is; client
credentials are HTTP Basic or body fields; the element token is an API key in the query (`et`).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from scheduling.api import input_schema
from scheduling.api.errors import V1_ERRORS

ERROR_DESCRIPTIONS = {
    "bad_input": "The request is malformed, too large, or fails validation; nothing changed.",
    # Only dialects that answer a malformed body apart from invalid fields (/v2: 400) name it.
    "malformed": "The body is not a JSON object, or is too large; nothing changed.",
    "unauthenticated": "Missing, unknown, expired or revoked credentials.",
    "forbidden": "The credentials may not do this (e.g. a token without the needed scope).",
    "not_found": "No such object for these credentials (missing and foreign alike).",
    "rate_limited": "Too many failed authentication attempts; retry after Retry-After seconds.",
}
URI_TOO_LONG = (
    "The request line (path and query string) is longer than the server reads (gunicorn: 4094 "
    "bytes); the web server answers, not the API."
)
RESPONSE_HEADERS = {
    "unauthenticated": {
        "WWW-Authenticate": {"schema": {"type": "string"}, "description": "The expected scheme."}
    },
    "rate_limited": {
        "Retry-After": {
            "schema": {"type": "integer", "minimum": 0},
            "description": "Seconds until a new attempt may succeed.",
        }
    },
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the errors: bad input and rate limiting on every
    operation (a malformed or oversized body, or a run of failed credentials, can reach any of
    them), 401 and 403 where the view authenticates, 404 where the path names an object, 414 where
    a query string can outgrow the server's request line. Input fields say what the API accepts
    (scheduling/api/input_schema.py), and list query parameters carry the `[]` the API reads."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        for parameter in query:
            schema = parameter["schema"]
            if schema.get("type") == "array":
                parameter["name"] += "[]"  # as pycronofy sends them (scheduling/api/params.py)
            if "oneOf" in schema:  # a query parameter is text: no object forms
                schema["oneOf"] = [s for s in schema["oneOf"] if s.get("type") != "object"]
        if query:
            operation["responses"].setdefault("414", {"description": URI_TOO_LONG})
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request":
            return input_schema.refine(field, schema)
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, serializers.Serializer):
            schema["propertyNames"] = {"pattern": input_schema.STORABLE}
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        dialect = getattr(self.view, "error_dialect", V1_ERRORS)
        for kind in self._error_kinds():
            status = dialect.statuses.get(kind)
            if status is None or str(status) in responses:
                continue
            body = OpenApiResponse(dialect.body, description=ERROR_DESCRIPTIONS[kind])
            responses[str(status)] = self._get_response_for_code(body, str(status))
            if kind in RESPONSE_HEADERS:
                responses[str(status)]["headers"] = RESPONSE_HEADERS[kind]
        return responses

    def _error_kinds(self) -> list[str]:
        kinds = ["bad_input", "malformed", "rate_limited"]
        if self.view.authentication_classes:
            kinds += ["unauthenticated", "forbidden"]
        if "{" in self.path:
            kinds.append("not_found")
        return kinds


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


class ElementTokenScheme(OpenApiAuthenticationExtension):
    """The element token travels in the query string, as Cronofy's UI Elements send it."""

    target_class = "scheduling.api.authentication.ElementTokenAuthentication"
    name = "elementToken"

    def get_security_requirement(self, auto_schema):
        # Only on the methods an element token may use (the view's `element_permissions`):
        # DELETE /v1/events authenticates one, then refuses it.
        if auto_schema.method not in getattr(auto_schema.view, "element_permissions", {}):
            return None
        return super().get_security_requirement(auto_schema)

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": "et",
            "description": (
                "An element token (POST /v1/element_tokens) as the query parameter `et`: the "
                "operations Cronofy's UI Elements call, within the token's permissions and subs."
            ),
        }


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


# OpenAPI links: where an operation's answer names an object that another operation takes in its
# path. Clients (and schemathesis's stateful phase) follow them: create a channel, then close it.
LINKS = {
    ("channels_create", "200"): {
        "CloseChannel": ("channels_close", {"channel_id": "$response.body#/channel/channel_id"}),
    },
    ("v1_availability_rules_create", "200"): {
        "ReadRule": (
            "v1_availability_rule_retrieve",
            {"availability_rule_id": "$response.body#/availability_rule/availability_rule_id"},
        ),
        "DeleteRule": (
            "v1_availability_rules_destroy",
            {"availability_rule_id": "$response.body#/availability_rule/availability_rule_id"},
        ),
    },
    ("calendars_create", "200"): {
        "UpsertEvent": (
            "calendar_events_upsert",
            {"calendar_id": "$response.body#/calendar/calendar_id"},
        ),
        "DeleteEvent": (
            "calendar_events_delete",
            {"calendar_id": "$response.body#/calendar/calendar_id"},
        ),
    },
    ("calendars_list", "200"): {
        "UpsertEvent": (
            "calendar_events_upsert",
            {"calendar_id": "$response.body#/calendars/0/calendar_id"},
        ),
    },
}


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS): adds LINKS."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for status, response in operation.get("responses", {}).items():
                links = LINKS.get((operation.get("operationId"), status))
                if links:
                    response["links"] = {
                        name: {"operationId": target, "parameters": parameters}
                        for name, (target, parameters) in links.items()
                    }
    return result
