"""Signed action links (reference 1.3): a link that applies one action to one booking, for people
who hold no API key (a customer cancelling a seat from a mail, a resource owner confirming or
declining a request). The token is `{booking_id, action}` signed with the secret key (salted, so
a scheduling link's token is never accepted here), with its age checked against
ACTION_LINK_MAX_AGE; nothing secret is stored and SECRET_KEY_FALLBACKS keeps links working
through a key rotation. Whether the action is still allowed is the booking's state machine's
business when the link is followed, not the token's.
"""

import datetime as dt
from dataclasses import dataclass

from django.core import signing

SALT = "bookings.action-link"
MAX_AGE = dt.timedelta(days=365)


@dataclass(frozen=True, slots=True)
class ActionLink:
    booking_id: str
    action: str


def action_token(*, booking_id: object, action: str) -> str:
    return signing.dumps({"b": str(booking_id), "a": action}, salt=SALT, compress=False)


def action_token_read(token: str, *, max_age: dt.timedelta = MAX_AGE) -> ActionLink | None:
    """The booking and action a token was made for; None for a forged, altered, expired or
    malformed one."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(payload, dict):
        return None
    booking_id, action = payload.get("b"), payload.get("a")
    if not isinstance(booking_id, str) or not isinstance(action, str):
        return None
    return ActionLink(booking_id=booking_id, action=action)
