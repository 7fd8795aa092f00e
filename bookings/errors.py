"""Why a scheduling link cannot book: domain errors the pages turn into their own pages."""

from scheduling.errors import DomainError


class LinkUnavailable(DomainError):
    """The link cannot be used: `status` is "disabled", "expired", "completed" (already used) or
    "unavailable" (a participant or target calendar it names is no longer usable: an account
    withdrew its grant, a calendar was deleted)."""

    UNAVAILABLE = "unavailable"

    def __init__(self, status: str) -> None:
        self.status = status
        super().__init__(status)


class TimeTaken(DomainError):
    """The picked time is no longer available (booked meanwhile, or too close now)."""
