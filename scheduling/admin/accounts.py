"""Accounts, their provider profiles and calendars (read-only)."""

from django.contrib import admin

from scheduling.admin.base import ReadOnlyInline, ReadOnlyModelAdmin
from scheduling.models import Account, Calendar, Profile


class CalendarInline(ReadOnlyInline):
    model = Calendar
    fields = ("calendar_id", "name", "primary", "readonly", "deleted")
    ordering = ("-primary", "name", "id")


@admin.register(Account)
class AccountAdmin(ReadOnlyModelAdmin):
    list_display = ("sub", "kind", "name", "email", "application", "default_tzid", "created_at")
    list_filter = ("kind",)
    search_fields = ("=sub", "name", "email", "application_calendar_id", "application__name")
    list_select_related = ("application",)
    autocomplete_fields = ("application", "user")
    ordering = ("sub",)
    fields = (
        "sub",
        "kind",
        "application",
        "user",
        "application_calendar_id",
        "name",
        "email",
        "default_tzid",
        "created_at",
        "updated_at",
    )
    inlines = [CalendarInline]


@admin.register(Profile)
class ProfileAdmin(ReadOnlyModelAdmin):
    list_display = ("profile_id", "account", "provider_name", "profile_name", "connected")
    list_filter = ("provider_name", "connected")
    search_fields = ("=profile_id", "profile_name", "=account__sub", "account__name")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    ordering = ("profile_id",)
    fields = (
        "profile_id",
        "account",
        "provider_name",
        "profile_name",
        "connected",
        "created_at",
        "updated_at",
    )


@admin.register(Calendar)
class CalendarAdmin(ReadOnlyModelAdmin):
    list_display = ("calendar_id", "name", "account", "primary", "readonly", "deleted")
    list_filter = ("primary", "readonly", "deleted")
    search_fields = ("=calendar_id", "name", "=account__sub", "account__name")
    list_select_related = ("account",)
    autocomplete_fields = ("account", "profile")
    ordering = ("calendar_id",)
    fields = (
        "calendar_id",
        "name",
        "account",
        "profile",
        "color",
        "primary",
        "readonly",
        "deleted",
        "created_at",
        "updated_at",
    )
