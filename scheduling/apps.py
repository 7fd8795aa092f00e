from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from scheduling.api import schema  # noqa: F401  (registers the OpenAPI auth extensions)
        from scheduling.receivers import keep_availability_calendars, notify_channels
        from scheduling.signals import events_changed
        from scheduling.signin import failed_password_count

        events_changed.connect(notify_channels, dispatch_uid="scheduling.notify_channels")
        events_changed.connect(
            keep_availability_calendars, dispatch_uid="scheduling.keep_availability_calendars"
        )
        user_login_failed.connect(
            failed_password_count, dispatch_uid="scheduling.failed_password_count"
        )
