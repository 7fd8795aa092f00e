"""The integrator's calendar connections (docs/connections.md): POST/GET /v1/connections,
DELETE /v1/connections/{connection_id}, POST /v1/connections/{connection_id}/sync.

Callers: an account's access token (its own connections; `create_calendar` to connect, remove
and sync, `list_calendars` to list), or the application's API key on behalf of an account it
sees, named by `sub` (in the body or the query; as element tokens name theirs). A connection is
named by its id alone: with the API key, any connection of an account the application sees. A
connection of another account is "not found", as a missing one is.

Answers never carry credentials; the services check them with the server before anything is
saved (calendars_sync/services/connect.py).
"""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from calendars_sync.access import (
    access_account,
    access_application_connection,
    access_connection,
    connections_listed,
)
from calendars_sync.models import Connection, Provider
from calendars_sync.services.connect import (
    TEXT_MAX,
    URL_MAX,
    caldav_connect,
    connection_remove,
    connection_sync_request,
    ics_connect,
)
from scheduling.api.authentication import (
    AccessTokenOrApiKeyAuthentication,
    IsAuthenticatedAccount,
    IsAuthenticatedApplication,
)
from scheduling.api.fields import CharField, ChoiceField, optional_text
from scheduling.api.input_schema import described
from scheduling.api.params import query_params
from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import Account
from scheduling.timeformat import format_time

SCOPES = {"GET": "list_calendars", "POST": "create_calendar", "DELETE": "create_calendar"}
# http(s), or webcal(s) for feeds (read as https), with a host.
SERVER_URL = "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s\\u0000]+([/?#][^\\s\\u0000]*)?$"
FEED_URL = (
    "^([Hh][Tt][Tt][Pp][Ss]?|[Ww][Ee][Bb][Cc][Aa][Ll][Ss]?)://[^/?#\\s\\u0000]+"
    "([/?#][^\\s\\u0000]*)?$"
)
SUB_MAX = Account._meta.get_field("sub").max_length


class CanManageConnections(IsAuthenticatedApplication):
    """The API key, or an access token holding the view's scope for this method."""

    def has_permission(self, request, view) -> bool:
        super().has_permission(request, view)
        if request.user.account is not None:
            return IsAuthenticatedAccount().has_permission(request, view)
        return True


def _url_field(pattern: str) -> serializers.Field:
    return described(
        optional_text(URL_MAX),
        {"type": "string", "maxLength": URL_MAX, "pattern": pattern},
    )


class ConnectionCreateSerializer(serializers.Serializer):
    provider = ChoiceField(choices=[Provider.CALDAV.value, Provider.ICS.value])
    server_url = _url_field(SERVER_URL)
    url = _url_field(FEED_URL)
    username = optional_text(TEXT_MAX)
    password = optional_text(TEXT_MAX)
    sub = optional_text(SUB_MAX)


class ConnectionSerializer(serializers.Serializer):
    connection_id = CharField()
    provider = ChoiceField(choices=Provider.choices)
    external_account = CharField(help_text="E-mail address, 'user on server URL', or feed URL")
    state = ChoiceField(choices=Connection.State.choices)
    profile_id = CharField(allow_null=True, help_text="The core profile of its calendars")
    last_sync_at = CharField(allow_null=True, help_text="Time of the last completed sync")
    last_error = CharField(help_text="Why the last sync failed; empty after a good one")


ConnectionCreated = inline_serializer("ConnectionCreated", {"connection": ConnectionSerializer()})
ConnectionList = inline_serializer(
    "ConnectionList", {"connections": ConnectionSerializer(many=True)}
)
SUB_PARAMETER = OpenApiParameter(
    "sub",
    str,
    description="With the API key: the account whose connections these are (required).",
)


def connection_present(connection: Connection) -> dict:
    """The answer's shape; `connection.profile` loaded (select_related)."""
    return {
        "connection_id": connection.connection_id,
        "provider": connection.provider,
        "external_account": connection.external_account,
        "state": connection.state,
        "profile_id": connection.profile.profile_id if connection.profile else None,
        "last_sync_at": format_time(connection.last_sync_at) if connection.last_sync_at else None,
        "last_error": connection.last_error,
    }


def acting_account(request, sub: str) -> Account:
    """The account a call acts on: the access token's own (a `sub` must name it), or with the
    API key the account `sub` names among those the application sees."""
    caller = request.user
    if caller.account is not None:
        if sub and sub != caller.account.sub:
            raise ValidationFailed.one("sub", "unknown_sub", "Not the access token's account.")
        return caller.account
    if not sub:
        raise ValidationFailed.one("sub", "required", "The API key acts for an account: name it.")
    try:
        return access_account(application=caller.application, sub=sub)
    except NotFound as exc:
        raise ValidationFailed.one(
            "sub", "unknown_sub", f"{sub!r} is not an account of this application"
        ) from exc


def named_connection(request, connection_id: str) -> Connection:
    caller = request.user
    if caller.account is not None:
        return access_connection(account=caller.account, connection_id=connection_id)
    return access_application_connection(
        application=caller.application, connection_id=connection_id
    )


class _ConnectionsAuth:
    authentication_classes = [AccessTokenOrApiKeyAuthentication]
    permission_classes = [CanManageConnections]
    required_scopes = SCOPES


class ConnectionsView(_ConnectionsAuth, APIView):
    @extend_schema(
        operation_id="connections_list",
        parameters=[SUB_PARAMETER],
        responses=ConnectionList,
    )
    def get(self, request):
        sub = query_params(request.query_params).get("sub", "")
        account = acting_account(request, sub if isinstance(sub, str) else "")
        connections = connections_listed(account=account)
        return Response({"connections": [connection_present(c) for c in connections]})

    @extend_schema(
        operation_id="connections_create",
        request=ConnectionCreateSerializer,
        responses={201: ConnectionCreated},
    )
    def post(self, request):
        params = ConnectionCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        account = acting_account(request, data["sub"])
        if data["provider"] == Provider.CALDAV:
            connection = caldav_connect(
                account=account,
                url=data["server_url"],
                username=data["username"],
                password=data["password"],
            )
        else:
            connection = ics_connect(
                account=account,
                url=data["url"],
                username=data["username"],
                password=data["password"],
            )
        connection = connections_listed(account=account).get(pk=connection.pk)
        return Response({"connection": connection_present(connection)}, status=201)


class ConnectionView(_ConnectionsAuth, APIView):
    @extend_schema(
        operation_id="connections_delete",
        responses={202: OpenApiResponse(description="Disconnected (no body)")},
    )
    def delete(self, request, connection_id: str):
        connection = named_connection(request, connection_id)
        connection_remove(account=connection.account, connection_id=connection.connection_id)
        return Response(status=202)


class ConnectionSyncView(_ConnectionsAuth, APIView):
    @extend_schema(
        operation_id="connections_sync",
        request=None,
        responses={202: OpenApiResponse(description="A sync is queued (no body)")},
    )
    def post(self, request, connection_id: str):
        connection = named_connection(request, connection_id)
        connection_sync_request(account=connection.account, connection_id=connection_id)
        return Response(status=202)
