from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bookings.tasks import schedules_ensure

        # The auto-complete sweep's q2 schedule (made after migrate, like a data migration would).
        post_migrate.connect(schedules_ensure, sender=self, dispatch_uid="bookings.schedules")
        # The core words Django-level errors (unknown path, 500) by path prefix; /v2 is ours.
        from bookings.v2 import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from bookings.v2.errors import TIMEKIT_ERRORS
        from scheduling.api.error_pages import api_prefix_register

        api_prefix_register(prefix="/v2/", dialect=TIMEKIT_ERRORS)
