"""Events and managed availability (read-only).

Search matches opaque random ids (event_uid, calendar_id, sub) exactly, as pasted from a log or a
support request, and human text and integrator-chosen ids by substring.
"""

from django.contrib import admin

from scheduling.admin.base import ReadOnlyModelAdmin
from scheduling.models import AvailabilityRule, AvailablePeriod, Event


class ManagedFilter(admin.SimpleListFilter):
    """Managed (by some application) or external, the old boolean's filter."""

    title = "managed"
    parameter_name = "managed"

    def lookups(self, request, model_admin):
        return [("yes", "Managed"), ("no", "External")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(application__isnull=self.value() == "no")
        return queryset


@admin.register(Event)
class EventAdmin(ReadOnlyModelAdmin):
    list_display = (
        "event_uid",
        "summary",
        "calendar_id",
        "start",
        "end",
        "status",
        "transparency",
        "application",
        "deleted",
    )
    list_filter = ("status", "transparency", "deleted", "all_day", ManagedFilter)
    search_fields = ("summary", "event_id", "=event_uid", "=calendar__calendar_id")
    date_hierarchy = "start"
    list_select_related = ("calendar", "application")
    autocomplete_fields = ("calendar", "application")
    ordering = ("-start", "-id")
    fields = (
        "event_uid",
        "event_id",
        "calendar",
        "application",
        "summary",
        "description",
        "start",
        "end",
        "all_day",
        "start_date",
        "end_date",
        "start_tzid",
        "end_tzid",
        "location_description",
        "location_lat",
        "location_long",
        "transparency",
        "status",
        "deleted",
        "ever_start",
        "ever_end",
        "created_at",
        "updated_at",
    )

    @admin.display(description="calendar", ordering="calendar__calendar_id")
    def calendar_id(self, event: Event) -> str:
        return event.calendar.calendar_id


@admin.register(AvailablePeriod)
class AvailablePeriodAdmin(ReadOnlyModelAdmin):
    list_display = ("available_period_id", "account", "start", "end", "updated_at")
    list_filter = (("account__kind", admin.ChoicesFieldListFilter),)
    search_fields = ("available_period_id", "=account__sub")
    date_hierarchy = "start"
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    ordering = ("-start", "-id")
    fields = ("available_period_id", "account", "start", "end", "created_at", "updated_at")


@admin.register(AvailabilityRule)
class AvailabilityRuleAdmin(ReadOnlyModelAdmin):
    list_display = ("availability_rule_id", "account", "tzid", "period_count", "updated_at")
    list_filter = ("tzid",)
    search_fields = ("availability_rule_id", "=account__sub")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    ordering = ("account__sub", "availability_rule_id")
    fields = (
        "availability_rule_id",
        "account",
        "tzid",
        "calendar_ids",
        "weekly_periods",
        "created_at",
        "updated_at",
    )

    @admin.display(description="weekly periods")
    def period_count(self, rule: AvailabilityRule) -> int:
        return len(rule.weekly_periods)
