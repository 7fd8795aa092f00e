from django.apps import AppConfig


class CalendarsSyncConfig(AppConfig):
    name = "calendars_sync"
    verbose_name = "Calendar sync"

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up
        from allauth.socialaccount import signals as socialaccount_signals

        from calendars_sync import allauth as sync_allauth

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
