"""Reading parameters the way pycronofy sends them.

Every API view reads its query string through query_params() (tests/scheduling/api/test_params.py
holds the views to that), which is where query text is checked for what the database cannot store.
"""

from typing import Any

from django.http import QueryDict

from scheduling.api.storable import UNSTORABLE, is_storable, shown_key
from scheduling.errors import ValidationFailed


class QueryText(str):
    """A value from the query string. Query parameters are text by nature, so the API's fields
    parse it ("True", "5") where a JSON body must carry the JSON type (api/fields.py)."""

    __slots__ = ()


def _checked(name: str, values: list[str]) -> list[QueryText]:
    if not (is_storable(name) and all(is_storable(value) for value in values)):
        raise ValidationFailed.one(shown_key(name), "invalid", UNSTORABLE)
    return [QueryText(value) for value in values]


def query_params(query: QueryDict) -> dict[str, Any]:
    """A plain dict from a query string: `key[]` repeated becomes a list under `key`.

    A 422 on the parameter when its name or a value holds a NUL character (api/storable.py)."""
    params: dict[str, Any] = {}
    for key, values in query.lists():
        if key.endswith("[]"):
            params[key[:-2]] = _checked(key[:-2], values)
        else:
            params[key] = _checked(key, values)[-1]
    return params


def request_params(request) -> dict[str, Any]:
    """Query parameters overlaid with the JSON body, for DELETE calls that send either."""
    params = query_params(request.query_params)
    params.update(request.data)
    return params
