"""Facts with one owner: the names others import are that owner's objects, not copies."""

import pytest

from scheduling import engine, scopes, timezones
from scheduling.api import availability_input
from scheduling.api.urls import oauth_urlpatterns, v1_urlpatterns
from scheduling.engine import model, zones
from scheduling.selectors import availability_queries
from scheduling.services import availability


def test_weekdays_and_response_formats_are_the_engines():
    assert availability.WEEKDAYS is model.WEEKDAYS
    assert availability_queries.WEEKDAYS is model.WEEKDAYS
    assert availability_input.RESPONSE_FORMATS is model.RESPONSE_FORMATS
    assert model.WEEKDAYS[0] == "monday"  # WeeklyPeriod.day 0 is Monday


def test_zone_is_the_engines():
    assert timezones.zone is zones.zone
    assert engine.rules.zone is zones.zone
    with pytest.raises(ValueError, match="unknown time zone"):
        timezones.zone("Mars/Olympus")


def test_every_scope_has_the_words_the_consent_page_shows():
    assert set(scopes.SCOPE_DESCRIPTIONS) == {*scopes.ALL_SCOPES, scopes.READ_WRITE}
    assert all(words.strip() for words in scopes.SCOPE_DESCRIPTIONS.values())
    assert scopes.unknown_scopes(frozenset({"read_write", "read_events", "fly"})) == {"fly"}


def test_every_scope_a_view_requires_is_a_known_scope():
    required = {}
    for pattern in [*oauth_urlpatterns, *v1_urlpatterns]:
        view = getattr(pattern.callback, "view_class", None)
        for method, scope in getattr(view, "required_scopes", {}).items():
            required[f"{method} {pattern.pattern}"] = scope
    assert len(required) >= 10
    assert {name: scope for name, scope in required.items() if scope not in scopes.ALL_SCOPES} == {}
