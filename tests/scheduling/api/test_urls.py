"""Every route of the core's API is defined in scheduling/api/urls.py, and only there."""

import importlib
import pkgutil

from django.urls import resolve, reverse

import scheduling.api
from scheduling.api import urls


def test_no_api_module_but_urls_defines_routes():
    modules = [
        importlib.import_module(f"scheduling.api.{info.name}")
        for info in pkgutil.iter_modules(scheduling.api.__path__)
        if info.name != "urls"
    ]
    assert [m.__name__ for m in modules if hasattr(m, "urlpatterns")] == []


def test_every_route_resolves_to_the_pattern_defined_in_urls():
    patterns = [*urls.oauth_urlpatterns, *urls.v1_urlpatterns]
    names = {pattern.name for pattern in patterns}
    assert {"oauth-token", "oauth-authorize", "v1-availability", "v1-calendar-events"} <= names
    for pattern in patterns:
        kwargs = {key: "x" for key in pattern.pattern.converters}
        assert resolve(reverse(pattern.name, kwargs=kwargs)).func is pattern.callback
