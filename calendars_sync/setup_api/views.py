"""/setup/v1 resources, OnSched's wire format (docs/onsched.md).

- Authentication: `Bearer` with a token from `POST /connect/token` (authentication.py); the
  caller is an application, which sees its own resources only (another's is a 404).
- Bodies are JSON with OnSched's camelCase names; lists are `limit`/`offset` pages in the
  envelope `{object, url, hasMore, count, total, data}`; errors are OnSched's (errors.py).
- `googleAuthReturnUrl` / `outlookAuthReturnUrl` in the query of a create, update or read say
  where the resource returns after authorizing its calendar.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from calendars_sync.models import Provider
from calendars_sync.selectors import (
    access_setup_resource,
    setup_resources_in_order,
    setup_resources_list,
)
from calendars_sync.services.authorization import authorization_link
from calendars_sync.services.setup_resources import (
    setup_resource_calendar_auth,
    setup_resource_create,
    setup_resource_delete,
    setup_resource_update,
    setup_resources_bulk_update,
)
from calendars_sync.setup_api import serializers as shapes
from calendars_sync.setup_api.authentication import SetupTokenAuthentication
from calendars_sync.setup_api.errors import ONSCHED_ERRORS
from calendars_sync.setup_api.parsers import JSONArrayParser
from calendars_sync.setup_api.presenters import (
    present_calendar_auth,
    present_list,
    present_resource,
)
from scheduling.api.authentication import IsAuthenticatedApplication
from scheduling.api.fields import ListField
from scheduling.api.links import absolute_url
from scheduling.api.params import query_params
from scheduling.models import Account

# The path's provider word -> our provider.
PROVIDERS = {"google": Provider.GOOGLE, "outlook": Provider.MICROSOFT}


class SetupView(APIView):
    authentication_classes = [SetupTokenAuthentication]
    permission_classes = [IsAuthenticatedApplication]
    error_dialect = ONSCHED_ERRORS

    @staticmethod
    def valid(serializer_class: type[serializers.Serializer], data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def query(self, serializer_class: type[serializers.Serializer]) -> dict:
        request = self.request
        return self.valid(serializer_class, query_params(request.query_params))

    def callback_url(self, provider: str) -> str:
        """Our OAuth callback for `provider`, absolute (PUBLIC_BASE_URL when set): the redirect
        URI of the links made while answering this request."""
        return absolute_url(self.request, reverse("sync-oauth-callback", args=[provider]))

    def present(self, resource: Account, *, status: int = 200) -> Response:
        return Response(present_resource(resource, callback=self.callback_url), status=status)

    def resource(self, resource_id: str) -> Account:
        return access_setup_resource(
            application=self.request.user.application, resource_id=resource_id
        )


RETURN_URLS = [shapes.OnSchedReturnUrlSerializer]


class ResourcesView(SetupView):
    @extend_schema(
        operation_id="setup_resources_list",
        parameters=[shapes.OnSchedListQuerySerializer],
        responses=shapes.OnSchedResourceListSerializer,
    )
    def get(self, request):
        query = self.query(shapes.OnSchedListQuerySerializer)
        page, total = setup_resources_list(
            application=request.user.application,
            deleted=query["deleted"],
            offset=query["offset"],
            limit=query["limit"],
        )
        body = present_list(
            page,
            total=total,
            offset=query["offset"],
            url=request.path,
            callback=self.callback_url,
        )
        return Response(body)

    @extend_schema(
        operation_id="setup_resources_create",
        parameters=RETURN_URLS,
        request=shapes.OnSchedResourceInSerializer,
        responses={201: shapes.OnSchedResourceOutSerializer},
    )
    def post(self, request):
        query = self.query(shapes.OnSchedReturnUrlSerializer)
        body = self.valid(shapes.OnSchedResourceInSerializer, request.data)
        resource = setup_resource_create(
            application=request.user.application, data=shapes.resource_input(body, query)
        )
        return self.present(resource, status=201)


class ResourceView(SetupView):
    @extend_schema(
        operation_id="setup_resource_retrieve",
        parameters=RETURN_URLS,
        responses=shapes.OnSchedResourceOutSerializer,
    )
    def get(self, request, resource_id: str):
        resource = self.resource(resource_id)
        query = self.query(shapes.OnSchedReturnUrlSerializer)
        data = shapes.resource_input({}, query)
        if data.google_return_url is not None or data.outlook_return_url is not None:
            setup_resource_update(resource=resource, data=data)
            resource = self.resource(resource_id)
        return self.present(resource)

    @extend_schema(
        operation_id="setup_resource_update",
        parameters=RETURN_URLS,
        request=shapes.OnSchedResourceUpdateSerializer,
        responses=shapes.OnSchedResourceOutSerializer,
    )
    def put(self, request, resource_id: str):
        resource = self.resource(resource_id)
        query = self.query(shapes.OnSchedReturnUrlSerializer)
        body = self.valid(shapes.OnSchedResourceUpdateSerializer, request.data)
        setup_resource_update(resource=resource, data=shapes.resource_input(body, query))
        return self.present(self.resource(resource_id))

    @extend_schema(
        operation_id="setup_resource_delete", responses={200: shapes.OnSchedResourceOutSerializer}
    )
    def delete(self, request, resource_id: str):
        resource = setup_resource_delete(resource=self.resource(resource_id))
        return self.present(resource)


BULK_BODY = ListField(
    child=shapes.OnSchedBulkItemSerializer(), min_length=1, max_length=shapes.MAX_BULK
)


class ResourcesBulkView(SetupView):
    parser_classes = [JSONArrayParser]

    @extend_schema(
        operation_id="setup_resources_bulk_update",
        parameters=RETURN_URLS,
        request=shapes.OnSchedBulkItemSerializer(many=True),
        responses=shapes.OnSchedResourceOutSerializer(many=True),
    )
    def put(self, request):
        """Update every resource in the array, or none: errors are keyed `<index>.<field>`."""
        query = self.query(shapes.OnSchedReturnUrlSerializer)
        items = BULK_BODY.run_validation(request.data)
        updated = setup_resources_bulk_update(
            application=request.user.application,
            items=[(item["id"], shapes.resource_input(item, query)) for item in items],
        )
        resources = setup_resources_in_order(
            application=request.user.application,
            resource_ids=[resource.sub for resource in updated],
        )
        return Response([present_resource(r, callback=self.callback_url) for r in resources])


class _CalendarAuthView(SetupView):
    provider_name: str  # the path's word: google or outlook

    def get(self, request, resource_id: str, email: str):
        """The authorization link of the resource's `email` calendar at Google or Outlook;
        `email` becomes the resource's googleCalendarId (outlookCalendarId) if it was not."""
        provider = PROVIDERS[self.provider_name]
        resource = self.resource(resource_id)
        query = self.query(shapes.OnSchedCalendarAuthQuerySerializer)
        email = self.valid(shapes.OnSchedCalendarAuthEmailSerializer, {"email": email})["email"]
        word = "googleAuthReturnUrl" if provider == Provider.GOOGLE else "outlookAuthReturnUrl"
        connection = setup_resource_calendar_auth(
            resource=resource, provider=provider, email=email, return_url=query.get(word)
        )
        setup = self.resource(resource_id).setup_resource
        return_url = (
            setup.google_auth_return_url
            if provider == Provider.GOOGLE
            else setup.outlook_auth_return_url
        )
        link = authorization_link(
            connection=connection, return_url=return_url, redirect_uri=self.callback_url(provider)
        )
        body = present_calendar_auth(
            resource, connection=connection, provider_name=self.provider_name, auth_url=link
        )
        return Response(body)


AUTH_SCHEMA = {
    "parameters": [shapes.OnSchedCalendarAuthQuerySerializer],
    "responses": shapes.OnSchedCalendarAuthSerializer,
}


class GoogleCalendarAuthView(_CalendarAuthView):
    provider_name = "google"

    @extend_schema(operation_id="setup_resource_calendar_auth_google", **AUTH_SCHEMA)
    def get(self, request, resource_id: str, email: str):
        return super().get(request, resource_id, email)


class OutlookCalendarAuthView(_CalendarAuthView):
    provider_name = "outlook"

    @extend_schema(operation_id="setup_resource_calendar_auth_outlook", **AUTH_SCHEMA)
    def get(self, request, resource_id: str, email: str):
        return super().get(request, resource_id, email)
