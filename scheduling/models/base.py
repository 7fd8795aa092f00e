from django.db import models
from django.utils import timezone


class TimestampedModel(models.Model):
    """`created_at`/`updated_at`, stamped by the services with the `now` they are given.

    Not `auto_now`: a service's `now` is injected (tests freeze it, a task replays it), and the
    same instant must land in a row's timestamps, in its expiry maths and in the `changed_at` of
    the signal it sends. `auto_now` would take the clock behind the service's back. The defaults
    only cover rows that no service writes (fixtures, the shell).
    """

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
