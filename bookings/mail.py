"""Mail sent when bookings enter states (Timekit's default emails, reference 1.2)."""

from collections.abc import Sequence


def transitions_mail_send(*, transition_ids: Sequence[int]) -> None:
    """Send what each transition calls for. (Issue 9: the mails come with the pages slice.)"""
