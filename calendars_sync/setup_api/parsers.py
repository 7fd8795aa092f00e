"""The bulk update's body: a JSON array (the core's parser takes objects only)."""

import io
from typing import Any

from rest_framework.exceptions import ParseError

from scheduling.api.parsers import LimitedJSONParser, _read_limited


class JSONArrayParser(LimitedJSONParser):
    """A JSON array, held to every check of the core's JSON parser (size, nesting depth, text
    the database cannot store) by parsing it wrapped as `{"items": <array>}`."""

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: dict | None = None
    ) -> Any:
        body = _read_limited(stream, parser_context)
        if not body.lstrip().startswith(b"["):
            raise ParseError("The request body must be a JSON array.", code="invalid_json")
        wrapped = io.BytesIO(b'{"items":' + body + b"}")
        return super().parse(wrapped, media_type, parser_context)["items"]
