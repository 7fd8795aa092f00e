from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from scheduling.api import schema  # noqa: F401  (registers the OpenAPI auth extensions)
        from scheduling.receivers import notify_channels
        from scheduling.signals import events_changed

        events_changed.connect(notify_channels, dispatch_uid="scheduling.notify_channels")
