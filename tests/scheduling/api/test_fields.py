"""The API's fields take JSON types as they are (no coercion), parse query text, and check a list's
length before its items."""

import re

import pytest
from rest_framework import serializers

from scheduling.api.fields import (
    BooleanField,
    CharField,
    ChoiceField,
    IntegerField,
    JSONObjectField,
    ListField,
    TzidField,
)
from scheduling.api.params import QueryText
from scheduling.models import Calendar, Channel, Event
from tests.api_helpers import period
from tests.api_modules import api_modules, label
from tests.factories import primary_calendar


def errors_of(field: serializers.Field, data) -> list[str]:
    with pytest.raises(serializers.ValidationError) as raised:
        field.run_validation(data)
    return [detail.code for detail in raised.value.detail]


@pytest.mark.parametrize("data", [0, 1.5, True, [], {}, ["a"]])
def test_char_field_refuses_what_is_not_a_string(data):
    assert errors_of(CharField(), data) == ["invalid"]


def test_char_field_takes_strings_and_query_text():
    assert CharField().run_validation("a") == "a"
    assert CharField().run_validation(QueryText("5")) == "5"


@pytest.mark.parametrize("data", ["true", "True", 1, 0, "yes", None, []])
def test_boolean_field_takes_only_json_booleans_from_a_body(data):
    assert errors_of(BooleanField(), data) in (["invalid"], ["null"])


@pytest.mark.parametrize(("text", "value"), [("True", True), ("false", False), ("1", True)])
def test_boolean_field_parses_query_text(text, value):
    assert BooleanField().run_validation(QueryText(text)) is value


@pytest.mark.parametrize("data", ["5", 5.0, True, "5.0", None])
def test_integer_field_takes_only_json_integers_from_a_body(data):
    assert errors_of(IntegerField(), data) in (["invalid"], ["null"])


def test_integer_field_parses_query_text_and_keeps_its_bounds():
    assert IntegerField().run_validation(QueryText("5")) == 5
    assert errors_of(IntegerField(max_value=3), 5) == ["max_value"]


@pytest.mark.parametrize("data", [1, ["opaque"], {"opaque": 1}])
def test_choice_field_refuses_non_strings_without_repeating_them(data):
    field = ChoiceField(choices=["opaque", "transparent"])
    with pytest.raises(serializers.ValidationError) as raised:
        field.run_validation(data)
    assert [str(d) for d in raised.value.detail] == ["must be one of: opaque, transparent"]


@pytest.mark.parametrize("data", [{}, [], ["Etc/UTC"], True, 1])
def test_tzid_field_refuses_non_strings(data):
    assert errors_of(TzidField(), data) == ["invalid"]


def test_tzid_field_names_an_unknown_zone():
    with pytest.raises(serializers.ValidationError) as raised:
        TzidField().run_validation("Mars/Olympus")
    assert str(raised.value.detail[0]) == "'Mars/Olympus' is not a known IANA time zone"


class CountingField(serializers.Field):
    def __init__(self, **kwargs):
        self.calls = 0
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        self.calls += 1
        return data


def test_list_field_checks_its_length_before_any_item():
    field = ListField(child=CountingField(), max_length=3)
    assert errors_of(field, list(range(100_000))) == ["max_length"]
    assert field.child.calls == 0


def test_list_field_checks_min_length_before_any_item():
    field = ListField(child=CountingField(), min_length=2, max_length=3)
    assert errors_of(field, [1]) == ["min_length"]
    assert field.child.calls == 0


def test_list_field_validates_items_within_its_length():
    field = ListField(child=CountingField(), max_length=3)
    assert field.run_validation([1, 2, 3]) == [1, 2, 3]
    assert field.child.calls == 3


def test_list_field_needs_a_bound():
    with pytest.raises(TypeError):
        ListField(child=CharField())


def test_json_object_field_takes_any_object_without_looking_into_it():
    assert JSONObjectField().run_validation({"a": [1, {"b": None}]}) == {"a": [1, {"b": None}]}
    assert errors_of(JSONObjectField(), ["a"]) == ["invalid"]


# --- endpoints ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", [0, 1.5, True, ["Work"], {"name": "Work"}])
def test_a_calendar_name_that_is_not_a_string_is_refused(api, account, name):
    profile_id = primary_calendar(account).profile.profile_id
    before = Calendar.objects.count()
    response = api.call("POST", "/v1/calendars", {"profile_id": profile_id, "name": name})
    assert response.status_code == 422
    assert response.json()["errors"]["name"][0]["key"] == "errors.invalid"
    assert Calendar.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [{"summary": 5}, {"event_id": 7}, {"transparency": ["opaque"]}, {"description": False}],
)
def test_event_fields_of_the_wrong_type_are_refused(api, account, changes):
    calendar = primary_calendar(account)
    body = {"event_id": "e", "summary": "s", **period(9, 10), **changes}
    response = api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == list(changes)
    assert not Event.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("only_managed", ["yes", "true", 1])
def test_a_channel_filter_flag_must_be_a_json_boolean(api, only_managed):
    body = {"callback_url": "https://example.com/cb", "filters": {"only_managed": only_managed}}
    response = api.call("POST", "/v1/channels", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["filters.only_managed"]
    assert not Channel.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_results": "5"}, "max_results"),
        ({"max_results": 5.0}, "max_results"),
        ({"max_results": True}, "max_results"),
        ({"response_format": 1}, "response_format"),
    ],
)
def test_availability_numbers_and_choices_must_have_their_json_type(api, account, changes, field):
    body = {
        "participants": [{"members": [{"sub": account.sub}]}],
        "required_duration": {"minutes": 30},
        "query_periods": [period(9, 17)],
        **changes,
    }
    response = api.call("POST", "/v1/availability", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


@pytest.mark.django_db
def test_a_member_flag_must_be_a_json_boolean(api, account):
    member = {"sub": account.sub, "managed_availability": 1}
    body = {
        "participants": [{"members": [member]}],
        "required_duration": {"minutes": 30},
        "query_periods": [period(9, 17)],
    }
    response = api.call("POST", "/v1/availability", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["participants.0.members.0.managed_availability"]


# --- every serializer uses these fields --------------------------------------------------------

COERCING = re.compile(
    r"serializers\.(CharField|BooleanField|IntegerField|FloatField|ChoiceField|ListField|DictField)\("
)
# Serializers that only describe responses for the schema; they never read input.
OUTPUT_ONLY = {
    "scheduling/api/event_present.py",
    "scheduling/api/errors.py",  # error bodies
    "scheduling/api/error_pages.py",
    "bookings/v2/errors.py",  # /v2 error bodies
    "calendars_sync/setup_api/errors.py",  # /setup/v1 error bodies
    "scheduling/api/fields.py",  # where the strict fields are made from DRF's
}


def test_api_serializers_use_the_strict_fields():
    offenders = {
        label(path): COERCING.findall(path.read_text())
        for path in api_modules()
        if label(path) not in OUTPUT_ONLY
    }
    assert {"scheduling/api/events.py", "bookings/api/serializers.py"} <= offenders.keys()
    assert {name: found for name, found in offenders.items() if found} == {}
