"""Timekit's query conventions, parsed once for every /v2 list and read:

- `?include=attributes,event.calendar`: relations to embed, dot paths for nested ones;
- `?search=graph:confirm_decline;project.id:<uuid>`: field:value filters (`;` separates
  several, as Timekit's SDK joins them).

Both answer ValidationFailed (a 422 on the parameter) for what a view does not offer, so a
client's typo never silently returns unfiltered data.
"""

from scheduling.errors import ValidationFailed

MAX_PARAM = 2000


def includes_parse(raw: str | None, *, allowed: frozenset[str]) -> frozenset[tuple[str, ...]]:
    """The include paths, each a tuple of names ("event.calendar" -> ("event", "calendar")).
    A path is allowed when `allowed` holds it dotted; a path implies its prefixes."""
    if not raw:
        return frozenset()
    if len(raw) > MAX_PARAM:
        raise ValidationFailed.one("include", "too_long", "The include list is too long.")
    paths: set[tuple[str, ...]] = set()
    for item in raw.split(","):
        name = item.strip()
        if not name:
            continue
        if name not in allowed:
            raise ValidationFailed.one("include", "invalid", f"Unknown include {name[:64]!r}.")
        parts = tuple(name.split("."))
        paths.update(parts[: i + 1] for i in range(len(parts)))
    return frozenset(paths)


def search_parse(raw: str | None, *, allowed: frozenset[str]) -> dict[str, str]:
    """`field:value` filters as a dict; the value may itself hold colons (times)."""
    if not raw:
        return {}
    if len(raw) > MAX_PARAM:
        raise ValidationFailed.one("search", "too_long", "The search is too long.")
    filters: dict[str, str] = {}
    for item in raw.split(";"):
        if not item.strip():
            continue
        field, colon, value = item.partition(":")
        field = field.strip()
        if not colon or not value:
            raise ValidationFailed.one("search", "invalid", "Expected field:value.")
        if field not in allowed:
            raise ValidationFailed.one("search", "invalid", f"Unknown field {field[:64]!r}.")
        filters[field] = value
    return filters
