from django.apps import AppConfig


class CalendarsSyncConfig(AppConfig):
    name = "calendars_sync"
    verbose_name = "Calendar sync"

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up
        from allauth.socialaccount import signals as socialaccount_signals

        from calendars_sync import allauth as sync_allauth
        from calendars_sync.receivers import write_back_changes
        from calendars_sync.setup_api import schema  # noqa: F401  (the OpenAPI auth scheme)
        from calendars_sync.setup_api.errors import ONSCHED_ERRORS
        from scheduling.api.error_pages import api_prefix_register
        from scheduling.api.errors import OAUTH_ERRORS
        from scheduling.signals import events_changed

        # The core words Django-level errors (unknown path, 500) by path prefix: /setup/v1 in
        # OnSched's shape, its token URL in RFC 6749's.
        api_prefix_register(prefix="/setup/v1/", dialect=ONSCHED_ERRORS)
        api_prefix_register(prefix="/connect/token", dialect=OAUTH_ERRORS)
        # Write-back: events the API or bookings change are copied to connected calendars.
        events_changed.connect(write_back_changes, dispatch_uid="calendars_sync.write_back")
        # People's Google and Microsoft accounts, added through django-allauth, become
        # connections (calendars_sync/allauth.py).
        socialaccount_signals.social_account_added.connect(
            sync_allauth.social_account_added, dispatch_uid="calendars_sync.social_account_added"
        )
        socialaccount_signals.social_account_updated.connect(
            sync_allauth.social_account_updated,
            dispatch_uid="calendars_sync.social_account_updated",
        )
        user_signed_up.connect(
            sync_allauth.user_signed_up, dispatch_uid="calendars_sync.user_signed_up"
        )
