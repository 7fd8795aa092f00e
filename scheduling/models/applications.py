from django.db import models

from scheduling.ids import new_client_id
from scheduling.models.base import TimestampedModel


class Application(TimestampedModel):
    """An integrator. Its client_secret doubles as its API key."""

    name = models.CharField(max_length=200)
    client_id = models.CharField(max_length=64, unique=True, default=new_client_id)
    redirect_uris = models.TextField(
        blank=True, help_text="OAuth redirect URIs this application may use, one per line."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def allowed_redirect_uris(self) -> list[str]:
        return [line.strip() for line in self.redirect_uris.splitlines() if line.strip()]


class ApplicationSecret(TimestampedModel):
    """One client secret of an application; several may be active at once so secrets can rotate."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="secrets")
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    secret_prefix = models.CharField(max_length=12, editable=False)
    secret_encrypted = models.TextField(editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.secret_prefix}… ({'revoked' if self.revoked_at else 'active'})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
