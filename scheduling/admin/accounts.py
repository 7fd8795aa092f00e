"""Accounts, their provider profiles and calendars (read-only), and one edit: an account's
availability calendar, chosen among its own live calendars and saved through the service (which
brings its available periods in step; a plain form save would not)."""

from django import forms
from django.contrib import admin, messages

from scheduling.admin.base import ReadOnlyInline, ReadOnlyModelAdmin
from scheduling.errors import ValidationFailed
from scheduling.models import Account, Calendar, Profile
from scheduling.services.availability_calendars import availability_calendar_set


class CalendarInline(ReadOnlyInline):
    model = Calendar
    fields = ("calendar_id", "name", "primary", "readonly", "deleted")
    ordering = ("-primary", "name", "id")


class AccountForm(forms.ModelForm):
    """Only the availability calendar is edited; the choice is the account's live calendars."""

    class Meta:
        model = Account
        fields = ["availability_calendar"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("availability_calendar")
        if field is not None:
            field.queryset = Calendar.objects.filter(account=self.instance, deleted=False)
            field.help_text = (
                "Its events become the account's available periods (and are not busy time)."
            )


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
        "availability_calendar",
        "created_at",
        "updated_at",
    )
    form = AccountForm
    inlines = [CalendarInline]

    def has_change_permission(self, request, obj=None) -> bool:
        # Only the availability calendar can change (get_readonly_fields); the rest stays shown.
        return admin.ModelAdmin.has_change_permission(self, request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None or not self.has_change_permission(request, obj):
            return self.fields
        return tuple(name for name in self.fields if name != "availability_calendar")

    def save_model(self, request, obj: Account, form, change: bool) -> None:
        calendar = form.cleaned_data.get("availability_calendar")
        try:
            availability_calendar_set(
                account=obj, calendar_id=calendar.calendar_id if calendar else None
            )
        except ValidationFailed:  # deleted since the form was shown
            self.message_user(request, "That calendar is no longer available.", messages.ERROR)


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
