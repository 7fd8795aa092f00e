from django.db import models

from scheduling.models.applications import Application
from scheduling.models.base import TimestampedModel


class ElementToken(TimestampedModel):
    """A credential for Cronofy's UI Elements on an integrator's web page: the application's
    access to some of its accounts (`subs`) with some `permissions`, from one browser `origin`,
    until `expires_at`. Browsers send it as the query parameter `et`; only its hash is stored.

    `subs` keeps the order the integrator gave: calls that concern one account (events,
    availability rules, userinfo) act for the first sub.
    """

    class Permission(models.TextChoices):
        AGENDA = "agenda"
        AVAILABILITY = "availability"
        MANAGED_AVAILABILITY = "managed_availability"
        ACCOUNT_MANAGEMENT = "account_management"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="element_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=12, editable=False)
    permissions = models.JSONField(default=list)
    subs = models.JSONField(default=list)
    # As browsers send it in the Origin header: scheme://host[:port], lower case, no default port.
    origin = models.CharField(max_length=300)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "id"]
        # Issuing a token deletes the application's expired ones (services/element_tokens.py).
        indexes = [models.Index(fields=["application", "expires_at"], name="element_token_expiry")]

    def __str__(self) -> str:
        return f"{self.token_prefix}…"
