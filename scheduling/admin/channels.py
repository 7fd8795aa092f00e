"""Push notification channels (read-only), and closing one on an integrator's behalf (an action
that calls the channel service)."""

from django.contrib import admin, messages

from scheduling.admin.applications import BOTH_LOCATIONS
from scheduling.admin.base import ReadOnlyModelAdmin
from scheduling.errors import NotFound
from scheduling.models import Channel
from scheduling.services.channels import channel_close


class OpenFilter(admin.SimpleListFilter):
    title = "open"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "Open"), ("no", "Closed")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(closed_at__isnull=self.value() == "yes")
        return queryset


@admin.register(Channel)
class ChannelAdmin(ReadOnlyModelAdmin):
    list_display = (
        "channel_id",
        "application",
        "account",
        "callback_url",
        "only_managed",
        "closed_at",
        "created_at",
    )
    list_filter = (OpenFilter, "only_managed", "application")
    search_fields = ("=channel_id", "callback_url", "=account__sub", "application__name")
    list_select_related = ("application", "account")
    autocomplete_fields = ("application", "account")
    ordering = ("-created_at", "-id")
    fields = (
        "channel_id",
        "application",
        "account",
        "callback_url",
        "calendar_ids",
        "only_managed",
        "closed_at",
        "created_at",
        "updated_at",
    )
    actions = ["close"]

    def has_manage_permission(self, request) -> bool:
        return request.user.has_perm("scheduling.change_channel")

    @admin.action(description="Close", permissions=["manage"], location=BOTH_LOCATIONS)
    def close(self, request, queryset) -> None:
        closed = 0
        for channel in queryset.select_related("application", "account"):
            try:
                channel_close(
                    application=channel.application,
                    account=channel.account,
                    channel_id=channel.channel_id,
                )
            except NotFound:  # already closed
                continue
            closed += 1
        self.message_user(
            request,
            f"Closed {closed} channel(s).",
            messages.SUCCESS if closed else messages.WARNING,
        )
