"""Booking webhooks (reference 1.7): an application registers URLs per graph and states; a booking
entering one of them queues its payload (the GET /v2/bookings/{id} shape, bookings/v2/present.py)
in the signed outbox (scheduling/services/callbacks.py), in the transaction of the change. The
outbox delivers with retries and signs with the application's secrets (Cronofy-HMAC-SHA256, as
every callback of the platform; Timekit's own algorithm is not documented)."""

import datetime as dt
import json
from collections.abc import Sequence

from django.utils import timezone

from bookings.engine import graphs
from bookings.models import Booking, BookingTransition, BookingWebhook
from bookings.v2.params import includes_parse
from bookings.v2.present import booking_data
from scheduling import outbound
from scheduling.errors import ValidationFailed
from scheduling.models import Application, OutgoingCallback
from scheduling.services.callbacks import callback_enqueue

PAYLOAD_INCLUDES = includes_parse(
    "attributes,customers,resource,available_actions,meta,project,owner_booking",
    allowed=frozenset(
        {"attributes", "customers", "resource", "available_actions", "meta", "project"}
        | {"owner_booking"}
    ),
)


def booking_webhook_create(
    *,
    application: Application,
    url: str,
    graph: str,
    states: list[str] | None = None,
    now: dt.datetime | None = None,
) -> BookingWebhook:
    """Register `url` for bookings of `graph` entering `states` (all its states when empty).
    The URL passes the same network guard as every callback (CALLBACK_ALLOWED_NETWORKS), here
    and again at delivery. Raises ValidationFailed."""
    now = now or timezone.now()
    states = booking_webhook_check(url=url, graph=graph, states=states)
    return BookingWebhook.objects.create(
        application=application, url=url, graph=graph, states=states, created_at=now, updated_at=now
    )


def booking_webhook_check(*, url: str, graph: str, states: list[str] | None) -> list[str]:
    """The states to store (deduplicated), or ValidationFailed naming the field."""
    if graph not in graphs.GRAPHS:
        raise ValidationFailed.one("graph", "unknown", f"Known graphs: {', '.join(graphs.GRAPHS)}.")
    states = list(dict.fromkeys(states or []))
    unknown = sorted(set(states) - graphs.graph_of(graph).states)
    if unknown:
        known = ", ".join(sorted(graphs.graph_of(graph).states))
        raise ValidationFailed.one(
            "states", "unknown", f"Not states of {graph}: {', '.join(unknown)}; known: {known}."
        )
    if problem := outbound.callback_url_problem(url):
        raise ValidationFailed.one("url", "invalid", problem)
    return states


def webhook_payload(booking: Booking, transition: BookingTransition) -> bytes:
    body = {
        "data": booking_data(booking, includes=PAYLOAD_INCLUDES),
        "transition": {
            "action": transition.action or None,
            "from_state": transition.from_state or None,
            "to_state": transition.to_state,
            "at": transition.created_at.isoformat(),
        },
    }
    return json.dumps(body, separators=(",", ":")).encode()


def webhooks_enqueue(*, transitions: Sequence[BookingTransition], now: dt.datetime) -> None:
    """Queue one callback per matching webhook and transition. One query for the webhooks of the
    applications concerned, whatever the number of transitions."""
    if not transitions:
        return
    application_ids = {t.booking.application_id for t in transitions}
    hooks = list(BookingWebhook.objects.filter(application_id__in=application_ids, is_active=True))
    for transition in transitions:
        booking = transition.booking
        for hook in hooks:
            if hook.application_id != booking.application_id or hook.graph != booking.graph:
                continue
            if hook.states and transition.to_state not in hook.states:
                continue
            callback_enqueue(
                application=booking.application,
                url=hook.url,
                body=webhook_payload(booking, transition),
                kind=OutgoingCallback.Kind.BOOKING_WEBHOOK,
                now=now,
            )
