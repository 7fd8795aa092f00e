"""The one hook for a booking entering a state (Timekit: "webhooks fire when a booking *enters*
a state"; "default emails are sent on transitions").

Every service that creates a booking or moves its state calls `state_entered` (or
`states_entered` for a cascade) inside its transaction. It
1. records a BookingTransition row (the audit trail, and what the consumers read);
2. queues the application's matching webhooks in the signed outbox, in the same transaction, so a
   rolled-back change sends nothing and a committed one is never lost (bookings/webhooks.py);
3. on commit, queues the mail task for the transitions (bookings/tasks.py), which reloads them and
   sends what the graph and state call for (bookings/mail.py).
Nothing here decides a state: the services do, through bookings/engine/graphs.py.
"""

import datetime as dt
from collections.abc import Sequence
from functools import partial

from django.db import transaction
from django_q.tasks import async_task

from bookings.models import Booking, BookingTransition

MAIL_TASK = "bookings.tasks.transitions_mail"


def state_entered(
    *,
    booking: Booking,
    action: str = "",
    from_state: str = "",
    message: str = "",
    now: dt.datetime,
) -> BookingTransition:
    """`booking` (saved, in its new state) entered `booking.state` through `action` from
    `from_state` (both empty for a creation)."""
    return states_entered(
        bookings=[booking], action=action, from_states=[from_state], message=message, now=now
    )[0]


def states_entered(
    *,
    bookings: Sequence[Booking],
    action: str,
    from_states: Sequence[str],
    message: str = "",
    now: dt.datetime,
) -> list[BookingTransition]:
    """The same for many bookings at once (a class's cancel moving every seat): one insert, one
    mail task."""
    from bookings.webhooks import webhooks_enqueue  # the webhooks module reads the API shapes

    transitions = BookingTransition.objects.bulk_create(
        BookingTransition(
            booking=booking,
            action=action,
            from_state=from_state,
            to_state=booking.state,
            message=message,
            created_at=now,
        )
        for booking, from_state in zip(bookings, from_states, strict=True)
    )
    webhooks_enqueue(transitions=transitions, now=now)
    ids = [transition.pk for transition in transitions]
    if ids:
        transaction.on_commit(partial(async_task, MAIL_TASK, ids), robust=True)
    return transitions
