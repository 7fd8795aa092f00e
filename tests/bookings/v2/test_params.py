import pytest

from bookings.v2.params import includes_parse, search_parse
from scheduling.errors import ValidationFailed

ALLOWED = frozenset({"attributes", "event", "event.calendar", "user"})


def test_includes_are_dot_paths_with_their_prefixes():
    assert includes_parse("attributes, event.calendar", allowed=ALLOWED) == {
        ("attributes",),
        ("event",),
        ("event", "calendar"),
    }


@pytest.mark.parametrize("raw", [None, "", ",,"])
def test_no_includes(raw):
    assert includes_parse(raw, allowed=ALLOWED) == frozenset()


@pytest.mark.parametrize("raw", ["nope", "event.nope", "x" * 3000])
def test_an_unknown_include_is_refused(raw):
    with pytest.raises(ValidationFailed) as raised:
        includes_parse(raw, allowed=ALLOWED)
    assert set(raised.value.errors) == {"include"}


def test_search_is_field_value_pairs_whose_values_may_hold_colons():
    allowed = frozenset({"graph", "project.id", "start"})
    assert search_parse("graph:instant;project.id:abc;start:10:00", allowed=allowed) == {
        "graph": "instant",
        "project.id": "abc",
        "start": "10:00",
    }
    assert search_parse(None, allowed=allowed) == {}


@pytest.mark.parametrize("raw", ["graph", "graph:", "owner:x"])
def test_a_bad_search_is_refused(raw):
    with pytest.raises(ValidationFailed) as raised:
        search_parse(raw, allowed=frozenset({"graph"}))
    assert set(raised.value.errors) == {"search"}
