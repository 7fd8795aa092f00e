"""Calls with an element token as Cronofy's UI Elements make them: the token in `?et=`."""

from tests.api_client import JsonClient
from tests.api_helpers import period

ANON = JsonClient()


def call(method: str, path: str, et: str, body=None, **extra):
    separator = "&" if "?" in path else "?"
    return ANON.call(method, f"{path}{separator}et={et}", body, **extra)


def key(response) -> str:
    """The key of the one error of a response."""
    [[error]] = response.json()["errors"].values()
    return error["key"]


def availability(*accounts) -> dict:
    return {
        "participants": [{"members": [{"sub": a.sub} for a in accounts], "required": "all"}],
        "required_duration": {"minutes": 60},
        "query_periods": [period(9, 12)],
        "response_format": "overlapping_slots",
    }


def sequence(*accounts) -> dict:
    step = {"participants": [{"members": [{"sub": a.sub} for a in accounts]}]}
    return {
        "sequence": [
            {"sequence_id": "one", "ordinal": 1, **step, "required_duration": {"minutes": 30}}
        ],
        "query_periods": [period(9, 12)],
    }
