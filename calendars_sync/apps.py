from django.apps import AppConfig


class CalendarsSyncConfig(AppConfig):
    name = "calendars_sync"
    verbose_name = "Calendar sync"

    def ready(self) -> None:
        # The core words Django-level errors (unknown path, 500) by path prefix: /setup/v1 in
        # OnSched's shape, its token URL in RFC 6749's.
        from calendars_sync.setup_api import schema  # noqa: F401  (the OpenAPI auth scheme)
        from calendars_sync.setup_api.errors import ONSCHED_ERRORS
        from scheduling.api.error_pages import api_prefix_register
        from scheduling.api.errors import OAUTH_ERRORS

        api_prefix_register(prefix="/setup/v1/", dialect=ONSCHED_ERRORS)
        api_prefix_register(prefix="/connect/token", dialect=OAUTH_ERRORS)
