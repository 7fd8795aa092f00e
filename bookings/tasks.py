"""django-q2 tasks of the bookings app: each takes primary keys, reloads, and calls one service."""


def transitions_mail(transition_ids: list[int]) -> None:
    from bookings.mail import transitions_mail_send

    transitions_mail_send(transition_ids=transition_ids)


def waitlist_offer(owner_booking_pk: int) -> None:
    """Seats of the class were freed: offer them to its waitlist."""
    from bookings.services.waitlist import waitlist_offer as offer

    offer(owner_booking_pk=owner_booking_pk)


def waitlist_offer_mail(entry_pk: int) -> None:
    from bookings.mail import waitlist_offer_mail_send

    waitlist_offer_mail_send(entry_id=entry_pk)


def waitlist_expire_offers() -> int:
    """The scheduled sweep (every minute): offers not claimed in time expire and go to the next."""
    from bookings.services.waitlist import waitlist_expire_offers as sweep

    return sweep()


def bookings_autocomplete() -> int:
    """Every 5 minutes (the q2 schedule `bookings_autocomplete`): bookings an hour past their end
    with no further action are completed (bookings/services/autocomplete.py)."""
    from bookings.services.autocomplete import bookings_autocomplete as sweep

    return sweep()
