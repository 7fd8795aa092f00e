from django.apps import AppConfig


class CalendarsSyncConfig(AppConfig):
    name = "calendars_sync"
    verbose_name = "Calendar sync"
