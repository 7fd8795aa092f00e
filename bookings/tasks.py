"""django-q2 tasks of the bookings app: each takes primary keys, reloads, and calls one service."""


def transitions_mail(transition_ids: list[int]) -> None:
    from bookings.mail import transitions_mail_send

    transitions_mail_send(transition_ids=transition_ids)
