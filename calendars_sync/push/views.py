"""Webhooks the providers POST to when a synced calendar changes (docs/sync.md, "Push").

No session, no CSRF (providers are not browsers), no authentication but the channel's token,
checked by `push_received`. A notification only queues a pull; the answers are the ones the
providers document, and never a 5xx for anything a caller sends (it would only make the
provider retry).
"""

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from calendars_sync.models import Provider
from calendars_sync.services.push import push_received

# Graph's validation tokens are short opaque strings; anything longer or unprintable is not one.
VALIDATION_TOKEN_MAX = 1024
# A Graph notification batch holds a few items; more is not Microsoft.
NOTIFICATIONS_MAX = 100


@csrf_exempt
@require_POST
def google_push(request: HttpRequest) -> HttpResponse:
    """Google Calendar watch channel: X-Goog-Channel-ID and X-Goog-Channel-Token name the
    channel, X-Goog-Resource-State says what happened; "sync" (the channel's first message)
    needs only a 200."""
    if request.headers.get("X-Goog-Resource-State", "") == "sync":
        return HttpResponse(status=200)
    accepted = push_received(
        provider=Provider.GOOGLE,
        channel_id=request.headers.get("X-Goog-Channel-ID", "")[:255],
        token=request.headers.get("X-Goog-Channel-Token", "")[:1024],
    )
    return HttpResponse(status=200 if accepted else 404)


def _validation_token(request: HttpRequest) -> str | None:
    token = request.GET.get("validationToken")
    if token is None:
        return None
    if len(token) > VALIDATION_TOKEN_MAX or not token.isprintable():
        return ""
    return token


def _notifications(body: bytes) -> list[dict] | None:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    items = payload.get("value") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not 0 < len(items) <= NOTIFICATIONS_MAX:
        return None
    if not all(isinstance(item, dict) for item in items):
        return None
    return items


@csrf_exempt
@require_POST
def microsoft_push(request: HttpRequest) -> HttpResponse:
    """Microsoft Graph subscription: the validation handshake (`?validationToken=` echoed as
    text/plain within 10 s), then notifications `{"value": [{subscriptionId, clientState,
    ...}]}` answered 202."""
    validation = _validation_token(request)
    if validation == "":
        return HttpResponse("invalid validationToken", status=400, content_type="text/plain")
    if validation is not None:
        return HttpResponse(validation, status=200, content_type="text/plain; charset=utf-8")
    items = _notifications(request.body)
    if items is None:
        return HttpResponse("malformed notification", status=400, content_type="text/plain")
    for item in items:
        push_received(
            provider=Provider.MICROSOFT,
            channel_id=str(item.get("subscriptionId") or "")[:255],
            token=str(item.get("clientState") or "")[:1024],
        )
    return HttpResponse(status=202)
