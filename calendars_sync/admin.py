"""Calendar connections in the admin: their state, last sync and errors, their calendars, and
"Sync now". Only `write_back` and `counts_as_busy` are edited (through the options service);
everything else changes through the sync services. Credentials are never shown, not even
encrypted.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.text import Truncator
from django_q.tasks import async_task

from calendars_sync.admin_connect import ConnectAdminMixin
from calendars_sync.models import Connection, SyncedCalendar
from calendars_sync.services.options import connection_options_set
from calendars_sync.services.sync import connection_disconnect
from scheduling.admin.applications import BOTH_LOCATIONS
from scheduling.admin.base import ReadOnlyInline

EDITABLE = ("write_back", "counts_as_busy")


class SyncedCalendarInline(ReadOnlyInline):
    model = SyncedCalendar
    fields = ("calendar", "remote_id", "remote_primary", "last_pulled_at", "push_expires_at")
    show_change_link = False
    verbose_name = "synced calendar"


@admin.register(Connection)
class ConnectionAdmin(ConnectAdminMixin, admin.ModelAdmin):  # "Add": admin_connect.py
    list_display = (
        "connection_id",
        "account",
        "provider",
        "external_account",
        "state",
        "last_sync_at",
        "failures",
        "short_error",
    )
    list_filter = ("state", "provider")
    search_fields = ("=connection_id", "external_account", "=account__sub", "account__name")
    list_select_related = ("account",)
    ordering = ("-updated_at", "-id")
    show_full_result_count = False
    fields = (
        "connection_id",
        "account",
        "provider",
        "external_account",
        "profile",
        "state",
        "write_back",
        "counts_as_busy",
        "last_sync_at",
        "failures",
        "retry_after",
        "next_poll_at",
        "last_error",
        "created_at",
        "updated_at",
    )
    readonly_fields = tuple(f for f in fields if f not in EDITABLE)
    inlines = [SyncedCalendarInline]
    actions = ["sync_now", "disconnect"]

    @admin.display(description="last error")
    def short_error(self, connection: Connection) -> str:
        return Truncator(connection.last_error).chars(80)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # "Disconnect" stops a connection and keeps its calendars

    def save_model(self, request, obj: Connection, form, change: bool) -> None:
        connection_options_set(
            connection=obj, write_back=obj.write_back, counts_as_busy=obj.counts_as_busy
        )

    def changelist_view(self, request, extra_context=None):
        broken = Connection.objects.filter(state=Connection.State.BROKEN).count()
        if broken:
            title = f"Calendar connections: {broken} broken (reconnect needed)"
            extra_context = {**(extra_context or {}), "title": title}
        return super().changelist_view(request, extra_context)

    def has_manage_permission(self, request) -> bool:
        return request.user.has_perm("calendars_sync.change_connection")

    @admin.action(description="Sync now", permissions=["manage"], location=BOTH_LOCATIONS)
    def sync_now(self, request, queryset) -> None:
        pks = list(queryset.filter(state=Connection.State.ACTIVE).values_list("pk", flat=True))
        for pk in pks:
            transaction.on_commit(
                lambda pk=pk: async_task("calendars_sync.tasks.connection_sync", pk)
            )
        skipped = queryset.count() - len(pks)
        text = f"Queued a sync of {len(pks)} connection(s)"
        if skipped:
            text += f"; {skipped} skipped (not active: broken ones need reconnecting)"
        self.message_user(request, text + ".", messages.SUCCESS if pks else messages.WARNING)

    @admin.action(description="Disconnect", permissions=["manage"], location=BOTH_LOCATIONS)
    def disconnect(self, request, queryset) -> None:
        connections = list(queryset.exclude(state=Connection.State.DISCONNECTED))
        for connection in connections:
            connection_disconnect(connection=connection)
        self.message_user(request, f"Disconnected {len(connections)} connection(s).")
