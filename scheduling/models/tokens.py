from django.db import models

from scheduling.models.accounts import Account
from scheduling.models.applications import Application
from scheduling.models.base import TimestampedModel


class Grant(TimestampedModel):
    """An application's authorization to act for an account, with the scope it was given.

    Revoking a grant invalidates every token issued under it.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="grants")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="grants")
    scope = models.CharField(max_length=500)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application_id", "account_id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "account"], name="one_grant_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.application} → {self.account.sub}"


class AuthorizationCode(TimestampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE)
    account = models.ForeignKey(Account, on_delete=models.CASCADE)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    redirect_uri = models.CharField(max_length=2000)
    scope = models.CharField(max_length=500)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]


class AccessToken(TimestampedModel):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="access_tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=12, editable=False)
    scope = models.CharField(max_length=500)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.token_prefix}…"


class RefreshToken(TimestampedModel):
    """Refresh tokens rotate: a refresh returns a new one and revokes the one it used
    (only a hash is stored, so the old value could not be handed back anyway)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="refresh_tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=12, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.token_prefix}…"
