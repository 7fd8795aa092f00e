"""Real-time scheduling requests in the admin (read-only, as all tenant data: they change through
the bookings services only): their status, what was booked, the slots claimed, and the delivery
of the completed callback, linked to the core's outbox admin (resend and cancel live there).

The link's token is never shown: it is the credential that lets anyone book.

Projects (read-only, with their resources in order) and widget keys (created and rotated through
bookings/services/widget_keys.py) are at the end.
"""

import json

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from bookings.models import Project, ProjectResource, SchedulingRequest, SlotClaim, WidgetKey
from bookings.services.widget_keys import widget_key_create, widget_key_rotate
from scheduling.admin.base import ReadOnlyInline, ReadOnlyModelAdmin

Status = SchedulingRequest.Status


def status_condition(status: str, now) -> Q:
    """SchedulingRequest.status_at as a query: the four states, in its order of precedence."""
    booked, disabled = Q(booked_at__isnull=False), Q(disabled_at__isnull=False)
    live = ~booked & ~disabled
    return {
        Status.COMPLETED: booked,
        Status.DISABLED: ~booked & disabled,
        Status.EXPIRED: live & Q(expires_at__lte=now),
        Status.ENABLED: live & Q(expires_at__gt=now),
    }[status]


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() in Status.values:
            return queryset.filter(status_condition(self.value(), timezone.now()))
        return queryset


class SlotClaimInline(ReadOnlyInline):
    model = SlotClaim
    fields = ("account", "start", "end")
    ordering = ("start", "id")
    show_change_link = False
    verbose_name = "claimed slot"


def pretty_json(value) -> str:
    if value is None:
        return "-"
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


@admin.register(SchedulingRequest)
class SchedulingRequestAdmin(ReadOnlyModelAdmin):
    list_display = (
        "real_time_scheduling_id",
        "application",
        "kind",
        "status",
        "created_at",
        "booked_time",
        "outcome_summary",
        "callback_state",
    )
    list_filter = (StatusFilter, "kind", "application")
    # Public ids exactly (as pasted from a log or a support request); the integrator's event id
    # exactly, its summary by substring.
    search_fields = (
        "=real_time_scheduling_id",
        "application__name",
        "=spec__event__event_id",
        "spec__event__summary",
    )
    date_hierarchy = "created_at"
    list_select_related = ("application", "callback")
    ordering = ("-created_at", "-id")
    fields = (
        "real_time_scheduling_id",
        "application",
        "kind",
        "status",
        "expires_at",
        "disabled_at",
        "display_message",
        "booked_at",
        "booked_time",
        "outcome_text",
        "callback_delivery",
        "no_times_notified_at",
        "spec_text",
        "created_at",
        "updated_at",
    )
    inlines = [SlotClaimInline]

    @admin.display(description="status")
    def status(self, request: SchedulingRequest) -> str:
        return request.status_at(timezone.now())

    @admin.display(description="booked time", ordering="outcome__start")
    def booked_time(self, request: SchedulingRequest) -> str:
        if not request.outcome:
            return "-"
        return f"{request.outcome['start']} to {request.outcome['end']}"

    @admin.display(description="outcome")
    def outcome_summary(self, request: SchedulingRequest) -> str:
        if not request.outcome:
            return "-"
        participants = ", ".join(request.outcome["participants"])
        steps = len(request.outcome.get("sequence", ())) or 1
        return f"{steps} event(s) with {participants}"

    @admin.display(description="callback")
    def callback_state(self, request: SchedulingRequest) -> str:
        callback = request.callback
        if callback is None:
            return "-"
        return f"{callback.state} ({callback.attempts} attempt(s))"

    @admin.display(description="outcome")
    def outcome_text(self, request: SchedulingRequest) -> str:
        return pretty_json(request.outcome)

    @admin.display(description="request as stored")
    def spec_text(self, request: SchedulingRequest) -> str:
        return pretty_json(request.spec)

    @admin.display(description="completed callback")
    def callback_delivery(self, request: SchedulingRequest) -> str:
        """The callback's state and each attempt, linked to the outbox's page for the rest."""
        callback = request.callback
        if callback is None:
            return "-"
        link = reverse("admin:scheduling_outgoingcallback_change", args=[callback.pk])
        attempts = format_html_join(
            "",
            "<li>{}: {} {}{}</li>",
            (
                (
                    attempt.started_at.isoformat(),
                    attempt.get_outcome_display(),
                    f"HTTP {attempt.status_code}" if attempt.status_code else "",
                    f" ({attempt.error})" if attempt.error else "",
                )
                for attempt in callback.attempt_log.order_by("started_at", "id")
            ),
        )
        return format_html(
            '<a href="{}">{} to {}</a>: {} after {} attempt(s)<ul>{}</ul>',
            link,
            callback.get_kind_display(),
            callback.url,
            callback.get_state_display(),
            callback.attempts,
            attempts,
        )


class ProjectResourceInline(ReadOnlyInline):
    model = ProjectResource
    fields = ("position", "account", "resource_id")
    ordering = ("position", "id")
    show_change_link = False
    verbose_name = "resource"

    @admin.display(description="resource id")
    def resource_id(self, link: ProjectResource) -> str:
        return link.account.sub


@admin.register(Project)
class ProjectAdmin(ReadOnlyModelAdmin):
    """Projects as /v2 stores them; they change through /v2/projects (bookings/services)."""

    list_display = ("name", "slug", "application", "resource_count", "graph", "created_at")
    list_filter = ("application",)
    search_fields = ("name", "slug", "=project_id", "application__name")
    list_select_related = ("application",)
    ordering = ("-created_at", "-id")
    fields = (
        "project_id",
        "application",
        "name",
        "slug",
        "availability_text",
        "availability_constraints_text",
        "booking_text",
        "customer_fields_text",
        "ui_text",
        "created_at",
        "updated_at",
    )
    inlines = [ProjectResourceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(resources_total=Count("project_resources"))

    @admin.display(description="resources", ordering="resources_total")
    def resource_count(self, project: Project) -> int:
        return project.resources_total

    @admin.display(description="graph")
    def graph(self, project: Project) -> str:
        return project.booking.get("graph", "-")

    @admin.display(description="availability")
    def availability_text(self, project: Project) -> str:
        return pretty_json(project.availability)

    @admin.display(description="availability constraints")
    def availability_constraints_text(self, project: Project) -> str:
        return pretty_json(project.availability_constraints)

    @admin.display(description="booking")
    def booking_text(self, project: Project) -> str:
        return pretty_json(project.booking)

    @admin.display(description="customer fields")
    def customer_fields_text(self, project: Project) -> str:
        return pretty_json(project.customer_fields)

    @admin.display(description="ui")
    def ui_text(self, project: Project) -> str:
        return pretty_json(project.ui)


@admin.register(WidgetKey)
class WidgetKeyAdmin(admin.ModelAdmin):
    """An application's public widget key for booking.js (no secret: it sits in web pages, so it
    is shown in full). "Add widget key" creates one for an application that has none
    (bookings/services/widget_keys.py); "Rotate" replaces a key, which stops pages embedding the
    old one. Nothing else is editable."""

    list_display = ("key", "application", "created_at", "updated_at")
    search_fields = ("=key", "application__name", "=application__client_id")
    list_select_related = ("application",)
    ordering = ("-created_at", "-id")
    actions = ["rotate"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("application",)
        return ("application", "key", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_rotate_permission(self, request) -> bool:
        return request.user.has_perm("bookings.add_widgetkey")

    def save_model(self, request, obj: WidgetKey, form, change: bool) -> None:
        created = widget_key_create(application=obj.application)
        obj.pk, obj.key = created.pk, created.key
        obj.created_at, obj.updated_at = created.created_at, created.updated_at

    @admin.action(description="Rotate (replace the key)", permissions=["rotate"])
    def rotate(self, request, queryset) -> None:
        keys = list(queryset.select_related("application"))
        for key in keys:
            widget_key_rotate(application=key.application)
        self.message_user(request, f"Rotated {len(keys)} widget key(s).", messages.SUCCESS)
