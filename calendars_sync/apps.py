from django.apps import AppConfig


class CalendarsSyncConfig(AppConfig):
    name = "calendars_sync"
    verbose_name = "Calendar sync"

    def ready(self) -> None:
        from calendars_sync.receivers import write_back_changes
        from scheduling.signals import events_changed

        events_changed.connect(write_back_changes, dispatch_uid="calendars_sync.write_back")
