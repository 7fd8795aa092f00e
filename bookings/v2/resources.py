"""/v2/resources: Timekit's resources (anything bookable), kept as the core's RESOURCE accounts,
each with a calendar (scheduling/services/accounts.py). An application sees only its own: another
application's resource is a 404, as a missing one is.

`availability_constraints` (working hours, vacations) is validated constraint by constraint
(bookings/engine/constraints.py, errors at `availability_constraints.<i>.<name>.<field>`), kept as
sent in ResourceSettings and applied by every availability query and booking check of the
resource (bookings/availability.py). A PUT that carries it replaces the whole list.
"""

from django.core.validators import RegexValidator
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers

from bookings.availability import resource_constraints, resource_constraints_set
from bookings.engine.constraints import (
    DAY_PATTERN,
    KINDS,
    PERIOD_BOUND_PATTERN,
    PERIODS,
    ConstraintError,
    constraint_parse,
)
from bookings.selectors.timekit import access_resource, resources_of
from bookings.v2.views import V2View, data, data_serializer
from scheduling.api.fields import CharField, JSONObjectField, ListField, TzidField
from scheduling.models import Account
from scheduling.services.accounts import resource_create, resource_delete, resource_update

CONSTRAINTS = frozenset(KINDS)
MAX_CONSTRAINTS = 100


def _field_schema(family: str, field: str) -> dict:
    if field == "day":
        return {"type": "string", "pattern": DAY_PATTERN}
    if family == PERIODS:
        return {"type": "string", "pattern": PERIOD_BOUND_PATTERN}
    return {"type": "integer", "minimum": 0, "maximum": 24}


def _constraint_schema(name: str) -> dict:
    """One constraint kind: `{name: {its fields}}`, every field required, no other."""
    family, takes = KINDS[name]
    if takes:
        value = {
            "type": "object",
            "properties": {field: _field_schema(family, field) for field in takes},
            "required": list(takes),
            "additionalProperties": False,
        }
    else:
        value = {"type": ["object", "null"], "maxProperties": 0}
    return {
        "type": "object",
        "properties": {name: value},
        "required": [name],
        "additionalProperties": False,
    }


@extend_schema_field(
    {
        "oneOf": [_constraint_schema(name) for name in sorted(KINDS)],
        "description": 'One Timekit constraint, e.g. {"allow_hours": {"start": 9, "end": 17}}; '
        "a start hour before its end hour, a period's start before its end (422 otherwise).",
    }
)
class ConstraintField(JSONObjectField):
    """One constraint object: exactly one key naming a known constraint, whose value is an
    object of that constraint's fields. Kept as sent once valid; an error names the field
    (`allow_hours.start`)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            constraint_parse(value)
        except ConstraintError as exc:
            if not exc.field:
                raise serializers.ValidationError(exc.message, code="invalid") from None
            raise serializers.ValidationError({exc.field: [exc.message]}, code="invalid") from None
        return value


def constraints_field(**kwargs) -> ListField:
    """A list of constraints, as resources, projects and availability requests take it."""
    return ListField(child=ConstraintField(), max_length=MAX_CONSTRAINTS, **kwargs)


# An address is something@somewhere: a resource (a room, a car) may carry any contact address,
# and the schema's pattern and this check must agree for schema-driven clients (the fuzzer):
# no \s, whose meaning differs between Python's and JSON Schema's regular expressions.
EMAIL_PATTERN = r"^[^@\u0000]+@[^@\u0000]+$"


@extend_schema_field({"type": "string", "pattern": EMAIL_PATTERN, "maxLength": 254})
class EmailTextField(CharField):
    def __init__(self, **kwargs) -> None:
        # Kept as sent: trimming (str.strip drops control characters too) would refuse what
        # the pattern accepts.
        super().__init__(max_length=254, trim_whitespace=False, **kwargs)
        self.validators.append(RegexValidator(EMAIL_PATTERN, "Enter a valid email address."))


class ResourceInSerializer(serializers.Serializer):
    name = CharField(max_length=200)
    email = EmailTextField(required=False)
    timezone = TzidField(required=False)
    availability_constraints = constraints_field(required=False)


class ResourceUpdateSerializer(ResourceInSerializer):
    name = CharField(max_length=200, required=False)


class ResourceOutSerializer(serializers.Serializer):
    id = CharField()
    name = CharField()
    email = CharField()
    timezone = CharField()
    availability_constraints = ListField(child=JSONObjectField(), max_length=MAX_CONSTRAINTS)
    created_at = CharField()
    updated_at = CharField()


RESOURCE_DATA = data_serializer("Resource", ResourceOutSerializer)
RESOURCES_DATA = data_serializer("Resources", ResourceOutSerializer, many=True)


def present_resource(resource: Account) -> dict:
    return {
        "id": resource.sub,
        "name": resource.name,
        "email": resource.email,
        "timezone": resource.default_tzid,
        "availability_constraints": resource_constraints(resource),
        "created_at": resource.created_at.isoformat(),
        "updated_at": resource.updated_at.isoformat(),
    }


class ResourcesView(V2View):
    @extend_schema(operation_id="v2_resources_list", responses=RESOURCES_DATA)
    def get(self, request):
        resources = (
            resources_of(application=request.user.application)
            .select_related("timekit_settings")
            .order_by("created_at")
        )
        return data([present_resource(resource) for resource in resources])

    @extend_schema(
        request=ResourceInSerializer,
        responses={201: RESOURCE_DATA},
    )
    def post(self, request):
        fields = self.valid(ResourceInSerializer, request.data)
        with transaction.atomic():
            resource = resource_create(
                application=request.user.application,
                name=fields["name"],
                email=fields.get("email", ""),
                default_tzid=fields.get("timezone", "Etc/UTC"),
            )
            if "availability_constraints" in fields:
                resource_constraints_set(
                    resource=resource, constraints=fields["availability_constraints"]
                )
        return data(present_resource(resource), status=201)


class ResourceView(V2View):
    def resource(self, request, resource_id: str) -> Account:
        return access_resource(application=request.user.application, resource_id=resource_id)

    @extend_schema(operation_id="v2_resource_retrieve", responses=RESOURCE_DATA)
    def get(self, request, resource_id: str):
        return data(present_resource(self.resource(request, resource_id)))

    @extend_schema(
        request=ResourceUpdateSerializer,
        responses=RESOURCE_DATA,
    )
    def put(self, request, resource_id: str):
        resource = self.resource(request, resource_id)
        fields = self.valid(ResourceUpdateSerializer, request.data)
        with transaction.atomic():
            resource_update(
                resource=resource,
                name=fields.get("name"),
                email=fields.get("email"),
                default_tzid=fields.get("timezone"),
            )
            if "availability_constraints" in fields:
                resource_constraints_set(
                    resource=resource, constraints=fields["availability_constraints"]
                )
        return data(present_resource(resource))

    @extend_schema(responses={204: None})
    def delete(self, request, resource_id: str):
        resource_delete(resource=self.resource(request, resource_id))
        return data(None, status=204)
