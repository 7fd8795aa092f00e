"""Push notification channels: POST/GET /v1/channels, DELETE /v1/channels/{channel_id}.

An account's access token with `read_events` (notifications tell about event changes, which the
integrator then reads). Each application sees and closes only its own channels on the account.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.api.fields import BooleanField, CharField, calendar_ids_field
from scheduling.api.input_schema import HTTP_URL, described
from scheduling.models import Channel
from scheduling.selectors.channels import channels_open
from scheduling.services.channels import channel_close, channel_create, channel_present

SCOPES = {"GET": "read_events", "POST": "read_events", "DELETE": "read_events"}
CALLBACK_URL_MAX = Channel._meta.get_field("callback_url").max_length


class ChannelFiltersSerializer(serializers.Serializer):
    calendar_ids = calendar_ids_field(required=False, min_length=1)
    only_managed = BooleanField(required=False, default=False)


class ChannelCreateSerializer(serializers.Serializer):
    callback_url = described(
        CharField(max_length=CALLBACK_URL_MAX, trim_whitespace=False),
        {"type": "string", "maxLength": CALLBACK_URL_MAX, "pattern": HTTP_URL},
    )
    filters = ChannelFiltersSerializer(required=False, allow_null=True)


class ChannelSerializer(serializers.Serializer):
    channel_id = CharField()
    callback_url = CharField()
    filters = ChannelFiltersSerializer(help_text="Only the filters that were given")


class ChannelsView(APIView):
    required_scopes = SCOPES

    @extend_schema(
        operation_id="channels_list",
        responses=inline_serializer("ChannelList", {"channels": ChannelSerializer(many=True)}),
    )
    def get(self, request):
        caller = request.user
        channels = channels_open(application=caller.application, account=caller.account)
        return Response({"channels": [channel_present(channel) for channel in channels]})

    @extend_schema(
        operation_id="channels_create",
        request=ChannelCreateSerializer,
        responses=inline_serializer("ChannelCreated", {"channel": ChannelSerializer()}),
    )
    def post(self, request):
        params = ChannelCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        filters = params.validated_data.get("filters") or {}
        channel = channel_create(
            application=request.user.application,
            account=request.user.account,
            callback_url=params.validated_data["callback_url"],
            calendar_ids=filters.get("calendar_ids"),
            only_managed=filters.get("only_managed", False),
        )
        return Response({"channel": channel_present(channel)})


class ChannelView(APIView):
    required_scopes = SCOPES

    @extend_schema(
        operation_id="channels_close",
        responses={202: OpenApiResponse(description="Closed (no body)")},
    )
    def delete(self, request, channel_id: str):
        channel_close(
            application=request.user.application,
            account=request.user.account,
            channel_id=channel_id,
        )
        return Response(status=202)
