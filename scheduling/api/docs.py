"""The OpenAPI schema and its interactive documentation.

The schema is readable with the same credentials as the API (an account's access token or the
application's API key), or by a signed-in user of this site, whose browser session is what the
Swagger UI page (sign-in required) sends when it fetches the schema.
"""

import threading

from django.contrib.auth.decorators import login_required
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

from scheduling.api.authentication import AccessTokenOrApiKeyAuthentication, Caller


class CanReadSchema(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if isinstance(user, Caller) or getattr(user, "is_authenticated", False):
            return True
        raise exceptions.NotAuthenticated("Authentication credentials were not provided.")


class SchemaView(SpectacularAPIView):
    authentication_classes = [AccessTokenOrApiKeyAuthentication, SessionAuthentication]
    permission_classes = [CanReadSchema]

    # drf-spectacular loads its extensions lazily and not thread-safely: two threads of one
    # worker generating the schema at once (the first requests after a start) can meet a
    # half-loaded extension and fail with a 500. Generation is rare; one at a time per process.
    _generating = threading.Lock()

    def _get_schema_response(self, request):
        with self._generating:
            return super()._get_schema_response(request)


docs_page = login_required(SpectacularSwaggerView.as_view(url_name="api-schema"))
