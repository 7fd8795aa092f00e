"""Applications and their client secrets.

A client secret is shown exactly once, in a message, right after it is generated (on creating an
application, or with the "Add a new client secret" action): that is how an admin hands it over.
Afterwards the admin shows only its prefix.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.db.models import Count, Q
from django.utils import timezone

from scheduling.admin.base import ReadOnlyInline, ReadOnlyModelAdmin, shown_prefix
from scheduling.models import Application, ApplicationSecret
from scheduling.services.applications import application_secret_add, application_secret_revoke

BOTH_LOCATIONS = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def _hand_over(request, application: Application, raw_secret: str) -> None:
    messages.warning(
        request,
        f"New client secret for “{application}”: {raw_secret} — copy it now, "
        "it will not be shown again.",
    )


class ApplicationSecretInline(ReadOnlyInline):
    model = ApplicationSecret
    fields = ("prefix", "created_at", "revoked_at")
    ordering = ("-created_at", "-id")
    verbose_name = "client secret"

    @admin.display(description="secret")
    def prefix(self, secret: ApplicationSecret) -> str:
        return shown_prefix(secret.secret_prefix)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "client_id", "is_active", "active_secrets", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "=client_id")
    ordering = ("name", "id")
    fields = ("name", "client_id", "redirect_uris", "is_active", "created_at", "updated_at")
    readonly_fields = ("client_id", "created_at", "updated_at")
    inlines = [ApplicationSecretInline]
    actions = ["add_client_secret"]

    def get_queryset(self, request):
        # One query for the list, however many secrets each application has.
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_secret_count=Count("secrets", filter=Q(secrets__revoked_at__isnull=True))
            )
        )

    @admin.display(description="active secrets", ordering="active_secret_count")
    def active_secrets(self, application: Application) -> int:
        return application.active_secret_count

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting cascades to every account, calendar and event the application created;
        # deactivating (is_active) is the reversible way to cut an application off.
        return False

    def save_model(self, request, obj: Application, form, change: bool) -> None:
        # Timestamps are not auto_now: the form's save is stamped here, like a service's write.
        now = timezone.now()
        obj.updated_at = now
        if not change:
            obj.created_at = now
        super().save_model(request, obj, form, change)
        if not change:
            _hand_over(request, obj, application_secret_add(application=obj, now=now))

    @admin.action(
        description="Add a new client secret", permissions=["change"], location=BOTH_LOCATIONS
    )
    def add_client_secret(self, request, queryset) -> None:
        for application in queryset:
            _hand_over(request, application, application_secret_add(application=application))


@admin.register(ApplicationSecret)
class ApplicationSecretAdmin(ReadOnlyModelAdmin):
    list_display = ("prefix", "application", "is_active", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("secret_prefix", "application__name", "=application__client_id")
    list_select_related = ("application",)
    autocomplete_fields = ("application",)
    ordering = ("-created_at", "-id")
    fields = ("application", "prefix", "created_at", "revoked_at")
    actions = ["revoke"]

    @admin.display(description="secret", ordering="secret_prefix")
    def prefix(self, secret: ApplicationSecret) -> str:
        return shown_prefix(secret.secret_prefix)

    @admin.display(description="active", boolean=True)
    def is_active(self, secret: ApplicationSecret) -> bool:
        return secret.is_active

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("scheduling.change_applicationsecret")

    @admin.action(description="Revoke", permissions=["revoke"], location=BOTH_LOCATIONS)
    def revoke(self, request, queryset) -> None:
        live = list(queryset.filter(revoked_at__isnull=True))
        for secret in live:
            application_secret_revoke(secret=secret)
        self.message_user(request, f"Revoked {len(live)} client secret(s).", messages.SUCCESS)
