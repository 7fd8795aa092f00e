from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        # The core words Django-level errors (unknown path, 500) by path prefix; /v2 is ours.
        from bookings.v2 import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from bookings.v2.errors import TIMEKIT_ERRORS
        from scheduling.api.error_pages import api_prefix_register

        api_prefix_register(prefix="/v2/", dialect=TIMEKIT_ERRORS)
