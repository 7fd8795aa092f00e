"""`GET /v2/bookings/{id}/external_action/{action}?signature=<token>&redirect=<url>`: Timekit's
customer action links (reference 1.3), as `include=customer_action_links` hands them out.

No API key: the signature is the credential (bookings/action_links.py), made for exactly one
booking and one action; any other pair is a 403, whatever the booking. The action goes through
the booking's state machine like any other (group_bookings.booking_action), so a link of a
cancelled seat, or one followed twice, is a 422 naming the state.

`redirect` (chosen, documented in docs/v2.md): Timekit signs only {booking_id, action}, so the
redirect is not covered by the signature and anyone holding a link can change it. That makes
this an open redirect for holders of a valid link; it is bounded as follows: only absolute
http(s) URLs are followed (no `javascript:`, no scheme-relative `//host`), and only after the
action succeeded, so each link redirects at most once (its action then leaves the state that
allowed it). Without `redirect` the answer is the booking as JSON.

Known risk, as with every emailed GET link: a mail scanner that follows links applies the
action. HEAD (what some scanners send first) does nothing.
"""

import re

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from bookings.action_links import action_token_read
from bookings.selectors.booking_lists import booking_for_action_link
from bookings.services.group_bookings import booking_action
from bookings.v2 import bookings_schema as schema
from bookings.v2.bookings import output_tz
from bookings.v2.errors import TimekitErrorSerializer
from bookings.v2.present import booking_data
from bookings.v2.views import V2View, data
from scheduling.api.input_schema import HTTP_URL
from scheduling.api.params import query_params
from scheduling.errors import Forbidden, ValidationFailed

BAD_SIGNATURE = "The signature is invalid or expired, or made for another booking or action."


def _redirect(params: dict) -> str | None:
    url = params.get("redirect")
    if url is None:
        return None
    if len(url) > 2000 or not re.fullmatch(HTTP_URL, url):
        raise ValidationFailed.one("redirect", "invalid", "Must be an absolute http(s) URL.")
    return str(url)


class ExternalActionView(V2View):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="v2_booking_external_action",
        auth=[],
        description=(
            "Follow a customer action link: apply `action` to the booking when `signature` was "
            "made for exactly this booking and action, then redirect to `redirect` (absolute "
            "http(s) URLs only) or answer the booking."
        ),
        parameters=[
            OpenApiParameter("signature", str, required=True),
            OpenApiParameter(
                "redirect", {"type": "string", "pattern": HTTP_URL, "maxLength": 2000}
            ),
            schema.TIMEZONE,
        ],
        responses={
            200: schema.BOOKING_DATA,
            302: OpenApiResponse(description="The action was applied; on to `redirect`."),
            403: OpenApiResponse(TimekitErrorSerializer, description=BAD_SIGNATURE),
        },
    )
    def get(self, request, booking_id: str, action: str):
        params = query_params(request.query_params)
        link = action_token_read(str(params.get("signature", "")))
        if link is None or (link.booking_id, link.action) != (booking_id, action):
            raise Forbidden(BAD_SIGNATURE)
        redirect = _redirect(params)
        tz = output_tz(request)
        booking = booking_for_action_link(booking_id=booking_id)
        booking = booking_action(
            application=booking.application, booking_id=booking.booking_id, action=action
        )
        if redirect is not None:
            return Response(status=302, headers={"Location": redirect})
        return data(booking_data(booking, tz=tz))

    def head(self, request, booking_id: str, action: str):
        return Response(status=200)
