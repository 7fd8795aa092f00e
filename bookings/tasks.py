"""django-q2 tasks of the bookings app: each takes primary keys, reloads, and calls one service."""

AUTOCOMPLETE_SCHEDULE = "bookings_autocomplete"
AUTOCOMPLETE_FUNC = "bookings.tasks.bookings_autocomplete"
AUTOCOMPLETE_EVERY_MINUTES = 5


def transitions_mail(transition_ids: list[int]) -> None:
    from bookings.mail import transitions_mail_send

    transitions_mail_send(transition_ids=transition_ids)


def bookings_autocomplete() -> int:
    """Every 5 minutes (the q2 schedule `bookings_autocomplete`): bookings an hour past their end
    with no further action are completed (bookings/services/autocomplete.py)."""
    from bookings.services.autocomplete import bookings_autocomplete as sweep

    return sweep()


def schedules_ensure(*, apps=None, using: str = "default", **kwargs) -> None:
    """post_migrate: make the app's q2 schedules once, by name (a run on a database where they,
    or an operator's version of them, exist changes nothing). `apps` is the migrated state's
    registry (a flush sends none: then the project's)."""
    if apps is None:
        from django.apps import apps
    try:
        Schedule = apps.get_model("django_q", "Schedule")
    except LookupError:  # a migration state without django_q (migration tests)
        return
    Schedule.objects.using(using).get_or_create(
        name=AUTOCOMPLETE_SCHEDULE,
        defaults={
            "func": AUTOCOMPLETE_FUNC,
            "schedule_type": "I",
            "minutes": AUTOCOMPLETE_EVERY_MINUTES,
            "repeats": -1,
        },
    )
