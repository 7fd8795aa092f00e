"""The outbox: every outgoing callback, its attempts, and the two things an admin may do with it,
send it again or cancel it (actions that call the outbox services)."""

from django.contrib import admin, messages
from django.utils.html import format_html

from scheduling.admin.applications import BOTH_LOCATIONS
from scheduling.admin.base import ReadOnlyInline, ReadOnlyModelAdmin
from scheduling.models import CallbackAttempt, OutgoingCallback
from scheduling.services.callbacks import callback_cancel, callback_resend


class CallbackAttemptInline(ReadOnlyInline):
    model = CallbackAttempt
    fields = ("number", "started_at", "duration_ms", "status_code", "outcome", "error")
    ordering = ("-started_at", "-id")
    show_change_link = False
    verbose_name = "attempt"


@admin.register(OutgoingCallback)
class OutgoingCallbackAdmin(ReadOnlyModelAdmin):
    list_display = (
        "id",
        "state",
        "kind",
        "url",
        "application",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    )
    list_filter = ("state", "kind", "application")
    search_fields = ("url", "=dedupe_key", "application__name", "last_error")
    date_hierarchy = "created_at"
    list_select_related = ("application",)
    autocomplete_fields = ("application",)
    ordering = ("-created_at", "-id")
    fields = (
        "application",
        "kind",
        "url",
        "state",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
        "claimed_until",
        "dedupe_key",
        "body_text",
        "created_at",
        "updated_at",
    )
    inlines = [CallbackAttemptInline]
    actions = ["resend", "cancel"]

    @admin.display(description="body")
    def body_text(self, callback: OutgoingCallback):
        text = bytes(callback.body).decode("utf-8", errors="replace")
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)

    def has_manage_permission(self, request) -> bool:
        return request.user.has_perm("scheduling.change_outgoingcallback")

    @admin.action(description="Send again", permissions=["manage"], location=BOTH_LOCATIONS)
    def resend(self, request, queryset) -> None:
        selected = list(queryset)
        resent = sum(callback_resend(callback=callback) for callback in selected)
        self._report(request, f"Queued {resent} callback(s) to be sent again", selected, resent)

    @admin.action(description="Cancel", permissions=["manage"], location=BOTH_LOCATIONS)
    def cancel(self, request, queryset) -> None:
        selected = list(queryset)
        cancelled = sum(callback_cancel(callback=callback) for callback in selected)
        self._report(request, f"Cancelled {cancelled} callback(s)", selected, cancelled)

    def _report(self, request, done_text: str, selected: list, done: int) -> None:
        skipped = len(selected) - done
        if skipped:
            done_text += f"; {skipped} skipped (being sent right now, or not pending)"
        self.message_user(request, done_text + ".", messages.SUCCESS if done else messages.WARNING)
