"""Input checks shared by several services; each raises ValidationFailed naming the given field."""

from scheduling.errors import ValidationFailed
from scheduling.timezones import is_valid_tzid

MAX_CLIENT_ID_LENGTH = 64


def tzid_check(tzid: str, *, field: str = "tzid") -> None:
    """A 422 `invalid` on `field` unless `tzid` is a known IANA time zone."""
    if not is_valid_tzid(tzid):
        raise ValidationFailed.one(field, "invalid", f"{tzid!r} is not a known IANA time zone")


def client_id_problem(value: str) -> tuple[str, str] | None:
    """(code, problem) when `value` is not a valid client-chosen id, else None.

    Valid: 1 to 64 printable ASCII characters (space included), kept exactly as given.
    Codes: required (blank), too_long, invalid (other characters).
    """
    if not value:
        return "required", "must not be blank"
    if len(value) > MAX_CLIENT_ID_LENGTH:
        return "too_long", f"must be at most {MAX_CLIENT_ID_LENGTH} characters"
    if not all(" " <= char <= "~" for char in value):
        return "invalid", "must contain printable ASCII characters only"
    return None


def client_id_check(value: str, *, field: str) -> None:
    """A 422 on `field` when `value` is not a valid client-chosen id (see client_id_problem)."""
    problem = client_id_problem(value)
    if problem:
        raise ValidationFailed.one(field, *problem)
