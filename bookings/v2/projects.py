"""/v2/projects (reference 1.6): an application's projects, their resources, and the two reads
booking.js makes on load: `GET /v2/projects/embed/{id}` and `GET /v2/projects/hosted/{slug}`,
the only project calls a widget key may make (bookings/v2/permissions.py).

A project shows its resources as their ids, in order; `/v2/projects/{id}/resources` lists them
as resource objects. Settings are checked by bookings/v2/project_settings.py; the rules that
need stored data (resources of this application, free slugs) by bookings/services/projects.py.
Another application's project is a 404 everywhere, as a missing one is.
"""

import re

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from bookings.models import Project
from bookings.selectors.timekit import (
    access_project,
    access_project_by_slug,
    access_resource,
    project_resources,
    projects_with_resources,
)
from bookings.services.projects import (
    project_create,
    project_delete,
    project_resource_remove,
    project_resources_add,
    project_resources_set,
    project_update,
)
from bookings.v2.project_settings import (
    AvailabilitySerializer,
    BookingSerializer,
    CustomerFieldsField,
    UiField,
)
from bookings.v2.resources import (
    RESOURCES_DATA,
    ConstraintField,
    present_resource,
)
from bookings.v2.views import V2View, data, data_serializer
from scheduling.api.fields import CharField, IdListField, JSONObjectField, ListField
from scheduling.api.input_schema import described
from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import Account

SLUG = "^[-a-zA-Z0-9_]+$"
MAX_RESOURCES = 100
SETTINGS = ("availability", "availability_constraints", "booking", "customer_fields", "ui")


class ProjectInSerializer(serializers.Serializer):
    name = CharField(max_length=200)
    slug = described(
        CharField(max_length=100, required=False),
        {"type": "string", "pattern": SLUG, "maxLength": 100},
    )
    resources = IdListField(max_length=MAX_RESOURCES, required=False)
    availability = AvailabilitySerializer(required=False)
    availability_constraints = ListField(child=ConstraintField(), required=False, max_length=100)
    booking = BookingSerializer(required=False)
    customer_fields = CustomerFieldsField(required=False)
    ui = UiField(required=False)

    def validate_slug(self, value: str) -> str:
        if not re.fullmatch(SLUG, value):
            raise serializers.ValidationError("A slug is letters, digits, - and _.")
        return value


class ProjectUpdateSerializer(ProjectInSerializer):
    name = CharField(max_length=200, required=False)


class ProjectResourcesAddSerializer(serializers.Serializer):
    resource_id = CharField(max_length=64, required=False)
    resources = IdListField(max_length=MAX_RESOURCES, required=False)

    def validate(self, attrs: dict) -> dict:
        if ("resource_id" in attrs) == ("resources" in attrs):
            raise serializers.ValidationError(
                {"resources": ["Give resource_id or resources, one of them."]}
            )
        return attrs


class ProjectResourcesSetSerializer(serializers.Serializer):
    resources = IdListField(max_length=MAX_RESOURCES)


class ProjectOutSerializer(serializers.Serializer):
    id = CharField()
    name = CharField()
    slug = CharField()
    resources = ListField(child=CharField(), max_length=MAX_RESOURCES)
    availability = JSONObjectField()
    availability_constraints = ListField(child=JSONObjectField(), max_length=100)
    booking = JSONObjectField()
    customer_fields = JSONObjectField()
    ui = JSONObjectField()
    created_at = CharField()
    updated_at = CharField()


class EmbedOutSerializer(serializers.Serializer):
    id = CharField()
    slug = CharField()
    name = CharField()
    ui = JSONObjectField()
    availability = JSONObjectField()
    booking = JSONObjectField()
    customer_fields = JSONObjectField()
    resources = ListField(child=CharField(), max_length=MAX_RESOURCES)


PROJECT_DATA = data_serializer("Project", ProjectOutSerializer)
PROJECTS_DATA = data_serializer("Projects", ProjectOutSerializer, many=True)
EMBED_DATA = data_serializer("ProjectEmbed", EmbedOutSerializer)


def present_project(project: Project, resources: list[Account]) -> dict:
    return {
        "id": str(project.project_id),
        "name": project.name,
        "slug": project.slug,
        "resources": [resource.sub for resource in resources],
        **{name: getattr(project, name) for name in SETTINGS},
        "created_at": project.created_at.isoformat(),
        "updated_at": project.updated_at.isoformat(),
    }


# What a project answers for what it does not set (Timekit's hosted defaults). booking.js's own
# defaults for a remote project leave these out and its booking page reads them: without
# `ui.localization.success_message` it fails on the first click, without name and email
# customer fields its form asks for nothing.
EMBED_UI_DEFAULTS = {
    "display_name": "",
    "avatar": "",
    "show_credits": False,
    "show_timezone_helper": True,
    "time_date_format": "24h-dmy-mon",
    "availability_view": "timeGridWeek",
    "localization": {
        "submit_button": "Book it",
        "allocated_resource_prefix": "with",
        "reschedule_submit_button": "Reschedule",
        "reschedule_success_message": "We have rescheduled your booking",
        "success_message": "We have received your booking and sent a confirmation to %s",
    },
}
EMBED_CUSTOMER_FIELDS = {
    "name": {"title": "Name", "required": True},
    "email": {"title": "E-mail", "format": "email", "required": True},
}


def present_embed(project: Project, resources: list[Account]) -> dict:
    """What booking.js merges into its config on load: the project's settings over Timekit's
    defaults (the UI texts, name and email fields, the project's graph)."""
    ui = project.ui or {}
    localization = {**EMBED_UI_DEFAULTS["localization"], **(ui.get("localization") or {})}
    return {
        "id": str(project.project_id),
        "slug": project.slug,
        "name": project.name,
        "ui": {**EMBED_UI_DEFAULTS, **ui, "localization": localization},
        "availability": project.availability,
        "booking": project.booking,
        "customer_fields": project.customer_fields or EMBED_CUSTOMER_FIELDS,
        "resources": [resource.sub for resource in resources],
    }


def _loaded(project: Project) -> list[Account]:
    """The resources prefetched by projects_with_resources, in order."""
    return [link.account for link in project.project_resources.all()]


def _settings(fields: dict) -> dict:
    return {name: fields[name] for name in SETTINGS if name in fields}


class ProjectsView(V2View):
    @extend_schema(operation_id="v2_projects_list", responses=PROJECTS_DATA)
    def get(self, request):
        projects = projects_with_resources(application=request.user.application)
        return data([present_project(project, _loaded(project)) for project in projects])

    @extend_schema(request=ProjectInSerializer, responses={201: PROJECT_DATA})
    def post(self, request):
        fields = self.valid(ProjectInSerializer, request.data)
        project = project_create(
            application=request.user.application,
            name=fields["name"],
            slug=fields.get("slug"),
            resource_ids=fields.get("resources", ()),
            **_settings(fields),
        )
        return data(present_project(project, project_resources(project=project)), status=201)


class ProjectMixin:
    def project(self, request, project_id: str) -> Project:
        return access_project(application=request.user.application, project_id=project_id)


class ProjectView(ProjectMixin, V2View):
    @extend_schema(operation_id="v2_project_retrieve", responses=PROJECT_DATA)
    def get(self, request, project_id: str):
        project = self.project(request, project_id)
        return data(present_project(project, project_resources(project=project)))

    @extend_schema(request=ProjectUpdateSerializer, responses=PROJECT_DATA)
    def put(self, request, project_id: str):
        project = self.project(request, project_id)
        fields = self.valid(ProjectUpdateSerializer, request.data)
        project = project_update(
            project=project,
            name=fields.get("name"),
            slug=fields.get("slug"),
            resource_ids=fields.get("resources"),
            **_settings(fields),
        )
        return data(present_project(project, project_resources(project=project)))

    @extend_schema(responses={204: None})
    def delete(self, request, project_id: str):
        project_delete(project=self.project(request, project_id))
        return data(None, status=204)


def _resources_answer(project: Project):
    return data([present_resource(resource) for resource in project_resources(project=project)])


class ProjectResourcesView(ProjectMixin, V2View):
    @extend_schema(operation_id="v2_project_resources_list", responses=RESOURCES_DATA)
    def get(self, request, project_id: str):
        return _resources_answer(self.project(request, project_id))

    @extend_schema(request=ProjectResourcesAddSerializer, responses={201: RESOURCES_DATA})
    def post(self, request, project_id: str):
        project = self.project(request, project_id)
        fields = self.valid(ProjectResourcesAddSerializer, request.data)
        if "resource_id" in fields:
            try:
                project_resources_add(project=project, resource_ids=[fields["resource_id"]])
            except ValidationFailed as exc:  # the one id is the field, not resources.0
                raise ValidationFailed({"resource_id": exc.errors["resources.0"]}) from None
        else:
            project_resources_add(project=project, resource_ids=fields["resources"])
        response = _resources_answer(project)
        response.status_code = 201
        return response

    @extend_schema(request=ProjectResourcesSetSerializer, responses=RESOURCES_DATA)
    def put(self, request, project_id: str):
        project = self.project(request, project_id)
        fields = self.valid(ProjectResourcesSetSerializer, request.data)
        project_resources_set(project=project, resource_ids=fields["resources"])
        return _resources_answer(project)


class ProjectResourceView(ProjectMixin, V2View):
    @extend_schema(responses={204: None})
    def delete(self, request, project_id: str, resource_id: str):
        project = self.project(request, project_id)
        resource = access_resource(application=request.user.application, resource_id=resource_id)
        if not project_resource_remove(project=project, resource=resource):
            raise NotFound("The resource is not in this project.")
        return data(None, status=204)


class ProjectEmbedView(V2View):
    widget_access = True

    @extend_schema(operation_id="v2_project_embed", responses=EMBED_DATA)
    def get(self, request, project_id: str):
        project = access_project(application=request.user.application, project_id=project_id)
        return data(present_embed(project, project_resources(project=project)))


class ProjectHostedView(V2View):
    widget_access = True

    @extend_schema(operation_id="v2_project_hosted", responses=EMBED_DATA)
    def get(self, request, slug: str):
        project = access_project_by_slug(application=request.user.application, slug=slug)
        return data(present_embed(project, _loaded(project)))
