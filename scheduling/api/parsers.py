"""Request body parsing with bounded cost, for every endpoint (REST_FRAMEWORK's default parser;
the /oauth views add the form parser).

- Size: DRF reads the WSGI stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE never applies
  to JSON bodies; API_MAX_BODY_BYTES is enforced here before anything is decoded.
- Shape: JSON nested deeper than MAX_JSON_DEPTH, or holding more than MAX_JSON_CONTAINERS arrays
  and objects, is refused before json.loads runs. The depth bound keeps every later recursive walk
  (DRF's validation, error rendering) shallow, and json.loads itself would otherwise raise
  RecursionError (a 500) at about a thousand levels; the container bound keeps parsing a body
  within a few milliseconds per megabyte whatever it holds.
- Text: strings and keys the database cannot store are refused here, naming their path
  (api/storable.py), so no endpoint needs its own check.
"""

import itertools
import json
import operator
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import BaseParser

from scheduling.api.storable import UNSTORABLE, is_storable, shown_key, unstorable_path

MAX_JSON_DEPTH = 64
MAX_JSON_CONTAINERS = 10_000

_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in _BRACKETS)
_SQUARE = bytes.maketrans(b"{}", b"[]")
# A NUL or a surrogate can only enter a JSON document as an escape: a raw NUL is refused by
# json.loads, a raw surrogate by the UTF-8 decoder. Documents without one skip the walk.
_ESCAPED_UNSTORABLE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _read_limited(stream: Any, parser_context: dict | None) -> bytes:
    limit = settings.API_MAX_BODY_BYTES
    request = (parser_context or {}).get("request")
    declared = request.META.get("CONTENT_LENGTH") if request is not None else None
    if declared and declared.isdigit() and int(declared) > limit:
        raise ParseError(f"Request body is larger than {limit} bytes.", code="too_large")
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise ParseError(f"Request body is larger than {limit} bytes.", code="too_large")
    return body


def _structure(body: bytes) -> bytes:
    """The body's brackets outside strings, `{` and `}` written as `[` and `]`.

    Escaped backslashes, then escaped quotes are dropped, so that every quote left delimits a
    string; the pieces between pairs of quotes are the strings. All in C: a few ms per MB.
    """
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[::2])
    return outside.translate(_SQUARE, _NOT_BRACKETS)


def check_json_nesting(body: bytes) -> None:
    """ParseError unless the JSON text nests at most MAX_JSON_DEPTH deep and holds at most
    MAX_JSON_CONTAINERS arrays and objects. Malformed text that passes is left to json.loads."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return  # Too few brackets, even counting those in strings, to break either bound.
    brackets = _structure(body)
    opened = brackets.count(b"[")
    if opened > MAX_JSON_CONTAINERS:
        raise ParseError(
            f"The JSON holds more than {MAX_JSON_CONTAINERS} arrays and objects.",
            code="too_complex",
        )
    if len(brackets) != 2 * opened:
        raise ParseError("Malformed JSON: unbalanced brackets.", code="invalid_json")
    # "[" is 91 and "]" is 93: 92 - byte is +1 on opening and -1 on closing.
    depth = max(itertools.accumulate(map(operator.sub, itertools.repeat(92), brackets)))
    if depth > MAX_JSON_DEPTH:
        raise ParseError(
            f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels.", code="too_deep"
        )


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _unstorable_error(path: str) -> ValidationError:
    return ValidationError({path: [UNSTORABLE]}, code="invalid")


class LimitedJSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: dict | None = None
    ) -> Any:
        body = _read_limited(stream, parser_context)
        if not body.strip():
            return {}
        check_json_nesting(body)
        try:
            text = body.decode("utf-8")
            data = json.loads(text, parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"Malformed JSON: {exc}", code="invalid_json") from exc
        if not isinstance(data, dict):
            raise ParseError("The request body must be a JSON object.", code="invalid_json")
        if _ESCAPED_UNSTORABLE.search(text):
            path = unstorable_path(data)
            if path is not None:
                raise _unstorable_error(path)
        return data


class LimitedFormParser(BaseParser):
    """application/x-www-form-urlencoded, as RFC 6749 clients send to /oauth/token."""

    media_type = "application/x-www-form-urlencoded"

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: dict | None = None
    ) -> Any:
        body = _read_limited(stream, parser_context)
        try:
            # QueryDict stops at DATA_UPLOAD_MAX_NUMBER_FIELDS fields.
            data = QueryDict(body.decode("utf-8")).dict()
        except UnicodeDecodeError as exc:
            raise ParseError("Malformed form body.", code="invalid_body") from exc
        except TooManyFieldsSent as exc:
            raise ParseError(str(exc), code="too_large") from exc
        for key, value in data.items():
            if not (is_storable(key) and is_storable(value)):
                raise _unstorable_error(shown_key(key))
        return data
