"""The body parsers bound nesting and size before json.loads, and refuse unstorable text."""

import io
import json

import pytest
from rest_framework.exceptions import ParseError, ValidationError

from scheduling.api.parsers import (
    MAX_JSON_CONTAINERS,
    MAX_JSON_DEPTH,
    LimitedFormParser,
    LimitedJSONParser,
    check_json_nesting,
)


def parse(text: str):
    return LimitedJSONParser().parse(io.BytesIO(text.encode()), parser_context={})


def nested(depth: int) -> str:
    return "[" * (depth - 1) + "]" * (depth - 1)


def refusal(text: str) -> str:
    with pytest.raises(ParseError) as raised:
        check_json_nesting(text.encode())
    return raised.value.detail.code


def test_nesting_up_to_the_limit_passes():
    check_json_nesting(('{"a": ' + nested(MAX_JSON_DEPTH) + "}").encode())


def test_nesting_beyond_the_limit_is_too_deep():
    assert refusal('{"a": ' + nested(MAX_JSON_DEPTH + 1) + "}") == "too_deep"


def test_objects_count_as_levels_like_arrays():
    levels = MAX_JSON_DEPTH + 1
    assert refusal('{"a": ' * levels + "1" + "}" * levels) == "too_deep"


def test_too_many_containers_are_refused_however_shallow():
    assert refusal("[" + ",".join(["{}"] * (MAX_JSON_CONTAINERS + 1)) + "]") == "too_complex"


def test_a_long_run_of_opening_brackets_is_refused_without_recursion():
    assert refusal("[" * 100_000) == "too_complex"
    assert refusal('{"a": ' + "[" * 1000 + "}") == "invalid_json"


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"description": "[" * 1000 + "{" * 1000}),
        json.dumps({"description": '\\"[[[' * 100}),
        json.dumps({"a": "\\", "b": "[" * 100}),
        json.dumps({"a": '"', "b": "]" * 100, "c": [[["x"]]]}),
    ],
)
def test_brackets_inside_strings_do_not_count(text):
    check_json_nesting(text.encode())
    assert parse(text) == json.loads(text)


def test_deep_json_is_a_parse_error_not_a_recursion_error():
    with pytest.raises(ParseError):
        parse('{"a": ' + "[" * 100_000 + "}")


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"a": "\\u0000"}', "a"),
        ('{"a": {"b": ["ok", "x\\ud800"]}}', "a.b.1"),
        ('{"a": [{"\\udc00": 1}]}', "a.0.\\udc00"),
        ('{"a\\u0000b": 1}', "a\\x00b"),
    ],
)
def test_unstorable_text_is_refused_with_its_path(text, path):
    with pytest.raises(ValidationError) as raised:
        parse(text)
    assert list(raised.value.detail) == [path]


@pytest.mark.parametrize("text", ['{"a": "\\\\u0000"}', '{"a": "\\ud83d\\ude00"}'])
def test_escapes_that_only_look_unstorable_are_kept(text):
    assert parse(text) == json.loads(text)


def test_a_form_with_a_nul_is_refused_on_that_field():
    body = io.BytesIO(b"grant_type=x&code=a%00b")
    with pytest.raises(ValidationError) as raised:
        LimitedFormParser().parse(body, parser_context={})
    assert list(raised.value.detail) == ["code"]


def test_a_form_with_too_many_fields_is_a_parse_error(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = io.BytesIO(b"&".join(b"f%d=1" % i for i in range(11)))
    with pytest.raises(ParseError) as raised:
        LimitedFormParser().parse(body, parser_context={})
    assert raised.value.detail.code == "too_large"
