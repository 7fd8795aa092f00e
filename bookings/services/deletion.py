"""Deleting a booking (Timekit's `DELETE /bookings/{id}`): only once it is final, "so nobody is
left un-notified" (reference 1.2). A class is deleted with its seats (the rows cascade), so a class
is deletable only when every one of its seats is final too: a completed class whose seats were
never completed would otherwise take confirmed seats with it, unannounced.
"""

import uuid

from django.db import transaction

from bookings.engine import graphs
from bookings.models import Booking
from scheduling.errors import ValidationFailed
from scheduling.models import Application


def booking_delete(*, application: Application, booking_id: uuid.UUID | str) -> None:
    """Delete the application's booking if it (and, for a class, every seat) is in a final
    state. Raises ValidationFailed naming the state otherwise, having changed nothing."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update()
            .filter(application=application, booking_id=booking_id)
            .first()
        )
        if booking is None:
            raise ValidationFailed.one("booking_id", "not_found", "No such booking.")
        if not graphs.is_final(booking.graph, booking.state):
            allowed = ", ".join(graphs.available_actions(booking.graph, booking.state))
            raise ValidationFailed.one(
                "state",
                "not_final",
                f"A booking can be deleted only in a final state; it is {booking.state!r} "
                f"(allowed actions: {allowed}).",
            )
        open_seats = [
            state
            for state in booking.seat_bookings.values_list("state", flat=True).distinct()
            if not graphs.is_final(graphs.GROUP_CUSTOMER, state)
        ]
        if open_seats:
            raise ValidationFailed.one(
                "state",
                "seats_not_final",
                f"The class still has seats in the state {', '.join(sorted(open_seats))!r}.",
            )
        booking.delete()
