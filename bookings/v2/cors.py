"""CORS for booking.js, which calls /v2 from the customer's own site.

Only /v2 paths are answered. Allowed origins: settings.V2_CORS_ALLOWED_ORIGINS (env
V2_CORS_ALLOWED_ORIGINS, comma separated; "*" for any, the default). Any origin is safe by
default because /v2 takes no cookies: every call carries its key in Authorization, so a foreign
page can do nothing it could not do with the key without a browser. A preflight (OPTIONS with
Access-Control-Request-Method) is answered here, before authentication, with 204.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PREFIX = "/v2/"
ALLOW_HEADERS = "Authorization, Content-Type, Timekit-Context, Timekit-Timezone"
EXPOSE_HEADERS = "Timekit-TestMode"
ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
MAX_AGE = "600"


def _allowed_origin(origin: str) -> str | None:
    allowed = settings.V2_CORS_ALLOWED_ORIGINS
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


class V2CorsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX) or "HTTP_ORIGIN" not in request.META:
            return self.get_response(request)
        origin = _allowed_origin(request.META["HTTP_ORIGIN"])
        preflight = request.method == "OPTIONS" and (
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
        )
        response = HttpResponse(status=204) if preflight else self.get_response(request)
        if origin is None:
            return response
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        if origin != "*":
            response["Vary"] = "Origin"
        if preflight:
            response["Access-Control-Allow-Methods"] = ALLOW_METHODS
            response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response["Access-Control-Max-Age"] = MAX_AGE
        return response
