"""Text the database can store, checked where input enters the API.

PostgreSQL refuses a NUL character in text, and psycopg cannot encode a lone surrogate (JSON's
"\\ud800" decodes to one) to UTF-8: either would reach the database as an error, a 500. SQLite
takes both, so only these checks keep the two databases answering alike. They run at the edges,
once for all endpoints: the JSON and form parsers (api/parsers.py), the query string
(api/params.py) and the URL converters (api/urls.py). A value that passes is safe everywhere.
"""

UNSTORABLE = "must not contain NUL characters or unpaired surrogates"
# How much of an offending object key an error message repeats.
_KEY_SHOWN = 64


def is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_key(key: str) -> str:
    """A key as an error path may show it: unstorable characters escaped, the length cut."""
    text = key if is_storable(key) else ascii(key)[1:-1]
    return text[:_KEY_SHOWN]


def _join(path: str, key: str | int) -> str:
    name = shown_key(key) if isinstance(key, str) else str(key)
    return f"{path}.{name}" if path else name


def unstorable_path(data: dict | list) -> str | None:
    """The dotted path ("participants.0.members.1") of a string or object key in parsed JSON that
    is not storable (the first one found); None when all are.

    Iterative, so that its cost is the document's size whatever its depth, and only containers
    are queued: a long array of numbers costs one loop over it.
    """
    stack: list[tuple[dict | list, str]] = [(data, "")]
    while stack:
        container, path = stack.pop()
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for key, item in items:
            if isinstance(key, str) and not is_storable(key):
                return _join(path, key)
            if isinstance(item, str):
                if not is_storable(item):
                    return _join(path, key)
            elif isinstance(item, dict | list):
                stack.append((item, _join(path, key)))
    return None
