"""POST /v1/element_tokens: an element token for Cronofy's UI Elements (pycronofy's
get_ui_element_token), asked for with the application's API key.

Choices where the reference is silent: `version` must be "1"; `origin` must be an http(s) origin
(scheme://host[:port], nothing after it) and is stored as browsers send it (lower case, no default
port); repeated subs or permissions count once; a sub the application does not see is a 422 on its
place (`subs.<index>`, `errors.unknown_sub`). The answer's `origin` is the stored form.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.api.authentication import ApiKeyAuthentication, IsAuthenticatedApplication
from scheduling.api.fields import CharField, ChoiceField, IdListField, IntegerField, ListField
from scheduling.api.input_schema import described
from scheduling.api.oauth import NO_STORE
from scheduling.engine.limits import MAX_MEMBERS
from scheduling.models import ElementToken
from scheduling.origins import MAX_ORIGIN_LENGTH
from scheduling.services.element_tokens import element_token_issue

PERMISSIONS = [choice.value for choice in ElementToken.Permission]
# What origin_normalize may accept (it checks more: label lengths, hyphens, the port's range).
ORIGIN_PATTERN = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*)(:[0-9]+)?$"
)


class ElementTokenRequestSerializer(serializers.Serializer):
    version = ChoiceField(choices=["1"])
    permissions = ListField(
        child=ChoiceField(choices=PERMISSIONS), allow_empty=False, max_length=len(PERMISSIONS)
    )
    subs = IdListField(allow_empty=False, max_length=MAX_MEMBERS)
    origin = described(
        CharField(max_length=MAX_ORIGIN_LENGTH, trim_whitespace=False),
        {
            "type": "string",
            "maxLength": MAX_ORIGIN_LENGTH,
            "pattern": ORIGIN_PATTERN,
            "description": "The web origin of the pages the Elements run on: "
            "http(s)://host[:port], nothing after it",
        },
    )


ElementTokenBody = inline_serializer(
    "ElementTokenBody",
    {
        "element_token": inline_serializer(
            "ElementToken",
            {
                "permissions": ListField(child=CharField(), max_length=len(PERMISSIONS)),
                "origin": CharField(),
                "token": CharField(),
                "expires_in": IntegerField(help_text="Seconds"),
            },
        )
    },
)


class ElementTokensView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticatedApplication]

    @extend_schema(
        operation_id="element_tokens_create",
        request=ElementTokenRequestSerializer,
        responses={200: ElementTokenBody},
    )
    def post(self, request):
        params = ElementTokenRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        issued = element_token_issue(
            application=request.user.application,
            permissions=data["permissions"],
            subs=data["subs"],
            origin=data["origin"],
        )
        body = {
            "permissions": list(issued.permissions),
            "origin": issued.origin,
            "token": issued.token,
            "expires_in": issued.expires_in,
        }
        return Response({"element_token": body}, headers=NO_STORE)
