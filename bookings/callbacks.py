"""Bodies of the callbacks a scheduling request sends (seed 002, cronofy-api.md 3.4), serialized
once: these exact bytes are signed and sent by the core's outbox.

Completed: `event` with start/end as {time, tzid}, `participants` (who was booked), `sequence` for
sequencing (each step's event with plain start/end strings and its participants), plus, as
documented choices, `real_time_scheduling` (which request) and `user.tzid` (the visitor's zone).
No times: `notification.type` ("no_times_suitable" / "no_times_displayed"), the request and its
event (no times).
"""

import json

from bookings.models import SchedulingRequest


def _dump(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _request_ref(scheduling_request: SchedulingRequest) -> dict:
    return {"real_time_scheduling_id": scheduling_request.real_time_scheduling_id}


def completed_body(scheduling_request: SchedulingRequest, outcome: dict) -> bytes:
    """`outcome` as the booking service stores it (see booking.py `_outcome`)."""
    tzid = outcome["tzid"]
    event = {
        **scheduling_request.spec["event"],
        "start": {"time": outcome["start"], "tzid": tzid},
        "end": {"time": outcome["end"], "tzid": tzid},
    }
    event.pop("tzid", None)
    body = {
        "real_time_scheduling": _request_ref(scheduling_request),
        "event": event,
        "participants": [{"sub": sub} for sub in outcome["participants"]],
        "user": {"tzid": outcome["user_tzid"]},
    }
    if scheduling_request.kind == SchedulingRequest.Kind.SEQUENCING:
        body["sequence"] = [
            {
                "sequence_id": step["sequence_id"],
                "event": {
                    **{k: v for k, v in step["event"].items() if k != "tzid"},
                    "start": step["start"],
                    "end": step["end"],
                },
                "participants": [{"sub": sub} for sub in step["participants"]],
            }
            for step in outcome["sequence"]
        ]
    return _dump(body)


def no_times_body(scheduling_request: SchedulingRequest, reason: str) -> bytes:
    event = {k: v for k, v in scheduling_request.spec["event"].items() if k != "tzid"}
    return _dump(
        {
            "notification": {"type": reason},
            "real_time_scheduling": _request_ref(scheduling_request),
            "event": event,
        }
    )
