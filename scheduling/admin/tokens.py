"""Grants and the credentials issued under them (read-only; grants can be revoked).

Only hashes of codes and tokens are stored; the admin shows token prefixes and never a hash.
"""

from django.contrib import admin, messages

from scheduling.admin.applications import BOTH_LOCATIONS
from scheduling.admin.base import ReadOnlyModelAdmin, shown_prefix
from scheduling.models import AccessToken, AuthorizationCode, Grant, RefreshToken
from scheduling.services.tokens import grant_revoke

REVOKED_FILTER = ("revoked_at", admin.EmptyFieldListFilter)


@admin.register(Grant)
class GrantAdmin(ReadOnlyModelAdmin):
    list_display = ("application", "account", "scope", "created_at", "revoked_at")
    list_filter = (REVOKED_FILTER, "application")
    search_fields = ("=account__sub", "account__email", "application__name", "scope")
    list_select_related = ("application", "account")
    autocomplete_fields = ("application", "account")
    ordering = ("-created_at", "-id")
    fields = ("application", "account", "scope", "created_at", "updated_at", "revoked_at")
    actions = ["revoke"]

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("scheduling.change_grant")

    @admin.action(description="Revoke", permissions=["revoke"], location=BOTH_LOCATIONS)
    def revoke(self, request, queryset) -> None:
        live = list(queryset.filter(revoked_at__isnull=True))
        for grant in live:
            grant_revoke(grant=grant)
        self.message_user(
            request, f"Revoked {len(live)} grant(s) and their tokens.", messages.SUCCESS
        )


@admin.register(AuthorizationCode)
class AuthorizationCodeAdmin(ReadOnlyModelAdmin):
    list_display = ("application", "account", "redirect_uri", "expires_at", "used_at")
    list_filter = (("used_at", admin.EmptyFieldListFilter),)
    search_fields = ("=account__sub", "application__name", "redirect_uri")
    list_select_related = ("application", "account")
    autocomplete_fields = ("application", "account")
    ordering = ("-created_at", "-id")
    fields = (
        "application",
        "account",
        "redirect_uri",
        "scope",
        "created_at",
        "expires_at",
        "used_at",
    )


class _TokenAdmin(ReadOnlyModelAdmin):
    list_select_related = ("grant__application", "grant__account")
    autocomplete_fields = ("grant",)
    ordering = ("-created_at", "-id")
    search_fields = ("token_prefix", "=grant__account__sub", "grant__application__name")

    @admin.display(description="token", ordering="token_prefix")
    def prefix(self, token) -> str:
        return shown_prefix(token.token_prefix)

    @admin.display(description="application", ordering="grant__application__name")
    def application(self, token) -> str:
        return str(token.grant.application)

    @admin.display(description="account", ordering="grant__account__sub")
    def account(self, token) -> str:
        return token.grant.account.sub


@admin.register(AccessToken)
class AccessTokenAdmin(_TokenAdmin):
    list_display = ("prefix", "application", "account", "scope", "expires_at", "revoked_at")
    list_filter = (REVOKED_FILTER,)
    fields = ("prefix", "grant", "scope", "created_at", "expires_at", "revoked_at")


@admin.register(RefreshToken)
class RefreshTokenAdmin(_TokenAdmin):
    list_display = ("prefix", "application", "account", "created_at", "revoked_at")
    list_filter = (REVOKED_FILTER,)
    fields = ("prefix", "grant", "created_at", "revoked_at")
