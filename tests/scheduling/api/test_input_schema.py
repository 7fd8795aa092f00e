"""The schema's input rules say what the API accepts (scheduling/api/input_schema.py)."""

import re

import pytest

from scheduling.api import input_schema
from scheduling.engine.model import WEEKDAYS
from scheduling.timeformat import MAX_DURATION, MAX_YEAR, MIN_YEAR, TimeFormatError, parse_time
from scheduling.timezones import known_tzids
from tests.scheduling.api.openapi import operations


@pytest.mark.parametrize("year", [MIN_YEAR - 1, MIN_YEAR, 1999, 2000, 8999, MAX_YEAR, MAX_YEAR + 1])
def test_the_year_pattern_is_the_years_times_take(year):
    matches = re.fullmatch(input_schema.YEARS, f"{year:04d}") is not None
    assert matches == (MIN_YEAR <= year <= MAX_YEAR)


@pytest.mark.parametrize(
    "text",
    [
        "2024-07-27T09:00:00Z",
        "2024-07-27T09:00:00+02:00",
        "2024-07-27T09:00:00.5-05:30",
        "2024-07-27t09:00:00z",
        "2024-07-27T09:00:60Z",
        "2024-07-27 09:00:00Z",
        "1899-12-31T23:00:00Z",
        "2024-07-27T09:00:00",
    ],
)
def test_the_time_pattern_accepts_what_parse_time_accepts(text):
    try:
        parse_time(text)
        accepted = True
    except TimeFormatError:
        accepted = False
    assert (re.fullmatch(input_schema.TIME["pattern"], text) is not None) == accepted


def test_time_zones_are_the_known_ones():
    assert set(input_schema.tzid_schema()["enum"]) == known_tzids()


def test_a_durations_parts_stay_within_the_longest_duration_together():
    as_object = input_schema.duration_schema(allow_zero=False)["oneOf"][1]["properties"]
    minutes = as_object["minutes"]["maximum"] + 60 * as_object["hours"]["maximum"]
    assert minutes * 60 <= MAX_DURATION.total_seconds()


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        (input_schema.STORABLE, "Zoë 🎉", True),
        (input_schema.STORABLE, "a\x00b", False),
        (input_schema.NOT_BLANK, "  x ", True),
        (input_schema.NOT_BLANK, " \t\n", False),
        (input_schema.HTTP_URL, "https://example.com/hooks?u=1", True),
        (input_schema.HTTP_URL, "ftp://example.com/", False),
        (input_schema.CLOCK_TIME_OR_END, "24:00", True),
        (input_schema.CLOCK_TIME, "24:00", False),
    ],
)
def test_text_patterns(pattern, text, matches):
    assert (re.search(pattern, text) is not None) == matches


def test_list_query_parameters_carry_brackets_and_no_object_forms(schema):
    names = {}
    for method, path, operation in operations(schema):
        label = f"{method} {path}"
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                names.setdefault(label, set()).add(parameter["name"])
                alternatives = parameter["schema"].get("oneOf", [])
                assert all(a.get("type") != "object" for a in alternatives), label
    assert "calendar_ids[]" in names["GET /v1/events"]
    assert "calendar_ids" not in names["GET /v1/events"]


def test_operations_with_a_query_document_the_web_servers_414(schema):
    for method, path, operation in operations(schema):
        label = f"{method} {path}"
        has_query = any(p["in"] == "query" for p in operation.get("parameters", []))
        assert ("414" in operation["responses"]) == has_query, label


def test_request_objects_refuse_nul_in_property_names(schema):
    requests = {k: v for k, v in schema["components"]["schemas"].items() if k.endswith("Request")}
    assert requests
    for name, component in requests.items():
        if component.get("type") == "object":
            assert component["propertyNames"] == {"pattern": input_schema.STORABLE}, name


def test_described_fields_keep_their_schema_through_drfs_field_copies(schema):
    components = schema["components"]["schemas"]

    assert "oneOf" in components["EventOut"]["properties"]["start"]
    callback_url = components["ChannelCreateRequest"]["properties"]["callback_url"]
    assert callback_url["pattern"] == input_schema.HTTP_URL
    day = components["WeeklyPeriodRequest"]["properties"]["day"]
    assert components[day["allOf"][0]["$ref"].rsplit("/", 1)[1]]["enum"] == list(WEEKDAYS)
