"""Real-time scheduling requests and classes in the admin.

Scheduling requests are read-only, as all tenant data (they change through the bookings services
only): their status, what was booked, the slots claimed, and the delivery of the completed
callback, linked to the core's outbox admin (resend and cancel live there). Classes likewise,
with two actions that call the services: a CSV of attendees, and a cancel with its cascade.

The link's token is never shown: it is the credential that lets anyone book.

Projects (read-only, with their resources in order) and widget keys (created and rotated through
bookings/services/widget_keys.py) are at the end.
"""

import csv
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from bookings.engine import graphs
from bookings.models import (
    Booking,
    BookingWebhook,
    Project,
    ProjectResource,
    SchedulingRequest,
    SlotClaim,
    WidgetKey,
)
from bookings.services.group_bookings import booking_action
from bookings.services.widget_keys import widget_key_create, widget_key_rotate
from bookings.webhooks import booking_webhook_check, booking_webhook_create
from scheduling.admin.base import ReadOnlyInline, ReadOnlyModelAdmin
from scheduling.errors import DomainError, ValidationFailed

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


class BookingWebhookForm(forms.ModelForm):
    states_text = forms.CharField(
        label="States",
        required=False,
        help_text="Comma-separated states of the graph (e.g. confirmed, cancelled); empty: all.",
    )

    class Meta:
        model = BookingWebhook
        fields = ("application", "graph", "url", "is_active")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["states_text"] = ", ".join(self.instance.states)

    def clean(self):
        cleaned = super().clean()
        states = [s.strip() for s in cleaned.get("states_text", "").split(",") if s.strip()]
        try:
            cleaned["states"] = booking_webhook_check(
                url=cleaned.get("url", ""), graph=cleaned.get("graph", ""), states=states
            )
        except ValidationFailed as exc:
            for field, problems in exc.errors.items():
                target = "states_text" if field == "states" else field
                for problem in problems:
                    self.add_error(target if target in self.fields else None, problem[1])
        return cleaned


@admin.register(BookingWebhook)
class BookingWebhookAdmin(admin.ModelAdmin):
    """Webhooks (reference 1.7): a URL per graph and states. Registered through the service, so
    the URL passes the outbox's network guard; deliveries are in the outbox admin (kind
    "Booking webhook"), with their attempts, resend and cancel."""

    form = BookingWebhookForm
    list_display = ("url", "graph", "states_list", "application", "is_active", "created_at")
    list_filter = ("graph", "is_active", "application")
    list_select_related = ("application",)
    ordering = ("-created_at", "-id")

    @admin.display(description="states")
    def states_list(self, hook: BookingWebhook) -> str:
        return ", ".join(hook.states) or "(all)"

    def save_model(self, request, obj: BookingWebhook, form, change: bool) -> None:
        if change:
            obj.states = form.cleaned_data["states"]
            obj.updated_at = timezone.now()
            obj.save()
            return
        created = booking_webhook_create(
            application=obj.application,
            url=obj.url,
            graph=obj.graph,
            states=form.cleaned_data["states"],
        )
        obj.pk, obj.webhook_id = created.pk, created.webhook_id


class SeatInline(ReadOnlyInline):
    model = Booking
    fk_name = "owner_booking"
    fields = ("customer_name", "customer_email", "seats", "state", "created_at")
    ordering = ("created_at", "id")
    show_change_link = False
    verbose_name = "seat"
    verbose_name_plural = "seats"


class CancelForm(forms.Form):
    message = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Sent to every customer with the cancellation.",
    )


# Seats that count as attendees in the export: confirmed ones, and those of a class held.
ATTENDING = (graphs.CONFIRMED, graphs.COMPLETED)
CSV_HEADER = ("class_id", "class", "start", "end", "resource", "name", "email", "seats", "state")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(Booking)
class ClassAdmin(ReadOnlyModelAdmin):
    """The owner's side of classes (group_owner bookings): when, where, state and seats, the
    seats inline; a CSV of the attendees, and a cancel that goes through booking_action, so the
    cascade (every seat cancelled, each customer mailed) is the API's."""

    list_display = ("what", "resource", "start", "state", "seats_taken", "application")
    list_filter = ("state", "application")
    search_fields = ("=booking_id", "what", "account__name", "=account__sub")
    list_select_related = ("account", "application")
    ordering = ("-start", "-id")
    date_hierarchy = "start"
    fields = (
        "booking_id",
        "application",
        "account",
        "what",
        "where",
        "description",
        "start",
        "end",
        "state",
        "seats_taken",
        "min_booking_time",
        "max_booking_time",
        "min_cancel_time",
        "created_at",
        "updated_at",
    )
    inlines = [SeatInline]
    actions = ["export_attendees", "cancel_classes"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).filter(graph=graphs.GROUP_OWNER)

    def has_cancel_permission(self, request) -> bool:
        return request.user.has_perm("bookings.change_booking")

    @admin.display(description="resource", ordering="account__name")
    def resource(self, klass: Booking) -> str:
        return str(klass.account)

    @admin.display(description="seats taken")
    def seats_taken(self, klass: Booking) -> str:
        return f"{klass.taken_seats}/{klass.max_seats}"

    @admin.action(description="Export the attendees of the selected classes (CSV)")
    def export_attendees(self, request, queryset: QuerySet) -> HttpResponse:
        seats = (
            Booking.objects.filter(owner_booking__in=queryset, state__in=ATTENDING)
            .select_related("owner_booking", "account")
            .order_by("owner_booking__start", "owner_booking_id", "created_at", "id")
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="attendees.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_HEADER)
        for seat in seats:
            klass = seat.owner_booking
            row = (klass.booking_id, klass.what, klass.start.isoformat(), klass.end.isoformat())
            row += (seat.account.name, seat.customer_name, seat.customer_email, seat.seats)
            writer.writerow([csv_cell(value) for value in (*row, seat.state)])
        return response

    @admin.action(description="Cancel the selected classes", permissions=["cancel"])
    def cancel_classes(self, request, queryset: QuerySet) -> HttpResponse | None:
        """Asks for a message first (as delete does for a confirmation), then cancels each class
        through booking_action."""
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Cancel classes",
                "classes": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/bookings/cancel_classes.html", context)
        cancelled, refused = 0, []
        for klass in queryset.select_related("application"):
            try:
                booking_action(
                    application=klass.application,
                    booking_id=klass.booking_id,
                    action="cancel",
                    message=form.cleaned_data["message"],
                )
            except DomainError as exc:
                refused.append(f"{klass.what or klass.booking_id}: {exc}")
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request,
                f"{cancelled} class(es) cancelled; their customers are told.",
                messages.SUCCESS,
            )
        for text in refused:
            self.message_user(request, text, messages.WARNING)
        return None
