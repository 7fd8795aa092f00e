"""Query parameters: text marked as query text, repeated `key[]` as lists, NULs refused, and every
view reads its query through query_params()."""

import re

import pytest
from django.http import QueryDict

from scheduling.api.params import QueryText, query_params
from scheduling.errors import ValidationFailed
from tests.api_modules import api_modules, label


def test_values_are_query_text_and_repeated_keys_lists():
    params = query_params(QueryDict("tzid=Etc/UTC&calendar_ids[]=a&calendar_ids[]=b&x=1&x=2"))
    assert params == {"tzid": "Etc/UTC", "calendar_ids": ["a", "b"], "x": "2"}
    assert isinstance(params["tzid"], QueryText)
    assert all(isinstance(value, QueryText) for value in params["calendar_ids"])


@pytest.mark.parametrize(
    ("query", "field"),
    [("a=%00", "a"), ("ids[]=ok&ids[]=b%00", "ids"), ("%00=1", "\\x00")],
)
def test_a_nul_is_refused_on_its_parameter(query, field):
    with pytest.raises(ValidationFailed) as raised:
        query_params(QueryDict(query))
    assert list(raised.value.errors) == [field]


@pytest.mark.django_db
def test_too_many_query_parameters_are_a_422_on_v1(api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = api.call("GET", "/v1/events?" + "&".join(f"p{i}=1" for i in range(11)))
    assert response.status_code == 422
    assert response.json()["errors"]["base"][0]["key"] == "errors.too_large"


@pytest.mark.django_db
def test_too_many_query_parameters_are_an_rfc_6749_error_on_oauth(anon_api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"p{i}=1" for i in range(11))
    response = anon_api.call("POST", f"/oauth/token?{query}", {})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_views_read_the_query_string_only_through_query_params():
    reads = {
        label(path): re.findall(r"(.{0,13})request\.(?:query_params|GET)\b", path.read_text())
        for path in api_modules()
        if label(path) != "scheduling/api/params.py"
    }
    assert reads["bookings/api/views.py"]  # the status by ?token= reads one
    assert {name: found for name, found in reads.items() if found} == {
        name: ["query_params("] * len(found) for name, found in reads.items() if found
    }
