"""Request body parsing with a size limit.

DRF reads the WSGI stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE never applies to JSON
bodies; this parser enforces API_MAX_BODY_BYTES itself before decoding anything.
"""

import json
from typing import Any

from django.conf import settings
from django.http import QueryDict
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser


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


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class LimitedJSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: dict | None = None
    ) -> Any:
        body = _read_limited(stream, parser_context)
        if not body.strip():
            return {}
        try:
            data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"Malformed JSON: {exc}", code="invalid_json") from exc
        if not isinstance(data, dict):
            raise ParseError("The request body must be a JSON object.", code="invalid_json")
        return data


class LimitedFormParser(BaseParser):
    """application/x-www-form-urlencoded, as RFC 6749 clients send to /oauth/token."""

    media_type = "application/x-www-form-urlencoded"

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: dict | None = None
    ) -> Any:
        body = _read_limited(stream, parser_context)
        try:
            return QueryDict(body.decode("utf-8")).dict()
        except UnicodeDecodeError as exc:
            raise ParseError("Malformed form body.", code="invalid_body") from exc
