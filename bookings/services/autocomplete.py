"""Timekit's auto-complete (reference 1.2): "a booking with no further action moves to
`completed` 1 hour after its end time".

A sweep (the q2 schedule `bookings_autocomplete`, bookings/tasks.py) completes what is due in
batches, each in its own transaction. A batch locks its bookings with SKIP LOCKED on PostgreSQL:
two sweeps never complete one booking twice, and a booking another transaction holds (a
cancellation in progress) is left for the next run, whose query sees its new state. The sweep
takes no other lock, so it never waits in a cycle with the services' account-then-booking and
class-then-seat orders. Each booking moves through its graph's `complete` action with the same
side effects and transitions as `booking_action` (bookings/services/group_bookings.py).
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bookings.engine import graphs
from bookings.models import Booking
from bookings.services.group_bookings import action_effects
from bookings.transitions import states_entered

AFTER_END = dt.timedelta(hours=1)
ACTION = "complete"
# What waits for its completion: confirmed one-to-one bookings and seats, and tentative classes.
DUE = Q(
    graph__in=[graphs.INSTANT, graphs.CONFIRM_DECLINE, graphs.GROUP_CUSTOMER],
    state=graphs.CONFIRMED,
) | Q(graph=graphs.GROUP_OWNER, state=graphs.TENTATIVE)


def bookings_autocomplete(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Complete every booking of every application whose end was at least an hour before `now`
    and that is still waiting for an action; returns how many were completed."""
    now = now or timezone.now()
    completed = 0
    while True:
        done = _complete_batch(now=now, batch=batch)
        completed += done
        if done < batch:
            return completed


def _complete_batch(*, now: dt.datetime, batch: int) -> int:
    with transaction.atomic():
        bookings = list(
            Booking.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("application", "account", "calendar", "project", "owner_booking")
            .filter(DUE, end__lte=now - AFTER_END)
            .order_by("end", "pk")[:batch]
        )
        from_states = [booking.state for booking in bookings]
        for booking in bookings:
            new_state = graphs.next_state(booking.graph, booking.state, ACTION)
            action_effects(booking, ACTION, new_state, "", now)
            booking.state, booking.updated_at = new_state, now
        Booking.objects.filter(pk__in=[booking.pk for booking in bookings]).update(
            state=graphs.COMPLETED, updated_at=now
        )
        states_entered(bookings=bookings, action=ACTION, from_states=from_states, now=now)
        return len(bookings)
