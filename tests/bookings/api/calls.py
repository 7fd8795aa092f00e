"""Paths and small readings shared by the real-time scheduling API tests."""

from bookings.models import SchedulingRequest

SCHEDULING = "/v1/real_time_scheduling"
SEQUENCING = "/v1/real_time_sequencing"


def stored() -> int:
    return SchedulingRequest.objects.count()


def token_of(url: str) -> str:
    """The token in a link's URL (/rts/<token>)."""
    return url.rsplit("/", 1)[1]


def error_fields(response) -> list[str]:
    assert response.status_code == 422, response.content
    return list(response.json()["errors"])
