"""Element tokens (read-only): which application holds one, for which subs, permissions and
origin, until when. Only the token's prefix is shown, never its hash."""

from django.contrib import admin

from scheduling.admin.base import ReadOnlyModelAdmin, shown_prefix
from scheduling.models import ElementToken


@admin.register(ElementToken)
class ElementTokenAdmin(ReadOnlyModelAdmin):
    list_display = (
        "prefix",
        "application",
        "origin",
        "subs_shown",
        "permissions_shown",
        "expires_at",
    )
    list_filter = ("application",)
    search_fields = ("token_prefix", "origin", "application__name")
    list_select_related = ("application",)
    ordering = ("-created_at", "-id")
    fields = (
        "prefix",
        "application",
        "origin",
        "subs_shown",
        "permissions_shown",
        "created_at",
        "expires_at",
    )

    @admin.display(description="token", ordering="token_prefix")
    def prefix(self, token: ElementToken) -> str:
        return shown_prefix(token.token_prefix)

    @admin.display(description="subs")
    def subs_shown(self, token: ElementToken) -> str:
        return ", ".join(token.subs)

    @admin.display(description="permissions")
    def permissions_shown(self, token: ElementToken) -> str:
        return ", ".join(token.permissions)
