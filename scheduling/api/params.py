"""Reading parameters the way pycronofy sends them."""

from typing import Any

from django.http import QueryDict


def query_params(query: QueryDict) -> dict[str, Any]:
    """A plain dict from a query string: `key[]` repeated becomes a list under `key`."""
    params: dict[str, Any] = {}
    for key in query:
        if key.endswith("[]"):
            params[key[:-2]] = query.getlist(key)
        else:
            params[key] = query.get(key)
    return params


def request_params(request) -> dict[str, Any]:
    """Query parameters overlaid with the JSON body, for DELETE calls that send either."""
    params = query_params(request.query_params)
    params.update(request.data)
    return params
