"""Paged list responses: {"pages": {"current", "total", "next_page"?}, "<key>": [...]}.

`next_page` is an absolute URL `/v1/<kind>/pages/<token>` (pycronofy GETs it verbatim). The token is
signed and carries the resolved query and the page number; it is bound to the account that made the
first request, so another account's token gets a 404. Tokens expire after PAGE_TOKEN_MAX_AGE.
"""

import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet

from scheduling.api.links import absolute_reverse
from scheduling.errors import NotFound

PAGE_TOKEN_SALT = "scheduling.api.pages"  # noqa: S105 (a salt, not a secret)
PAGE_TOKEN_MAX_AGE = 24 * 3600


def encode_page_token(*, kind: str, account_id: int, params: dict[str, Any], page: int) -> str:
    payload = {"k": kind, "a": account_id, "q": params, "p": page}
    return signing.dumps(payload, salt=PAGE_TOKEN_SALT, compress=True)


def decode_page_token(token: str, *, kind: str, account_id: int) -> tuple[dict[str, Any], int]:
    """The query and page number in `token`; NotFound if forged, expired, or another account's."""
    try:
        payload = signing.loads(token, salt=PAGE_TOKEN_SALT, max_age=PAGE_TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise NotFound("No such page") from exc
    if payload.get("k") != kind or payload.get("a") != account_id:
        raise NotFound("No such page")
    return payload["q"], int(payload["p"])


def paginated_body(
    request,
    *,
    queryset: QuerySet,
    key: str,
    kind: str,
    account_id: int,
    params: dict[str, Any],
    page: int,
    present: Callable[[Any], dict],
) -> dict[str, Any]:
    """One page of an ordered queryset; `params` must be JSON-serialisable (it is in the token)."""
    size = settings.API_PAGE_SIZE
    total = max(1, math.ceil(queryset.count() / size))
    rows = list(queryset[(page - 1) * size : page * size])
    pages: dict[str, Any] = {"current": page, "total": total}
    if page < total:
        token = encode_page_token(kind=kind, account_id=account_id, params=params, page=page + 1)
        pages["next_page"] = absolute_reverse(request, f"v1-{kind}-pages", token)
    return {"pages": pages, key: [present(row) for row in rows]}
