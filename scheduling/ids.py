"""Public identifiers: documented prefixes (acc_, apc_, res_, pro_, cal_, evt_), random bodies."""

import secrets

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def random_part(length: int = 16) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_public_id(prefix: str, length: int = 16) -> str:
    return f"{prefix}_{random_part(length)}"


def new_calendar_id(profile_id: str) -> str:
    """Calendar ids read `cal_{profile part}_{calendar part}`, as the reference shows."""
    profile_part = profile_id.removeprefix("pro_")[:10]
    return f"cal_{profile_part}_{random_part(12)}"


def new_client_id() -> str:
    return random_part(32)
