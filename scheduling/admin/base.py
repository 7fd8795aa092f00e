"""Shared admin building blocks."""

from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Inspect, never edit: no add, change or delete through forms.

    `fields` must list what the page shows; all of it is read-only. Tables that grow large skip
    the full result count (an extra COUNT over the unfiltered table on every page).
    """

    show_full_result_count = False
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def shown_prefix(prefix: str) -> str:
    """How a secret's or token's prefix is displayed: visibly cut short."""
    return f"{prefix}…"
