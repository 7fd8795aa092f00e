"""Every route of an app's API is defined in that app's api/urls.py, and only there: the core's
in scheduling/api/urls.py, the bookings app's in bookings/api/urls.py (mounted under /v1 too)."""

import importlib

import pytest
from django.urls import resolve, reverse

import bookings.api.urls
import bookings.v2.urls
import calendars_sync.api.urls
import calendars_sync.setup_api.urls
from scheduling.api import urls
from tests.api_modules import api_modules, label

ROUTES = {
    "scheduling/api/urls.py": [*urls.oauth_urlpatterns, *urls.v1_urlpatterns],
    "bookings/api/urls.py": bookings.api.urls.v1_urlpatterns,
    "bookings/v2/urls.py": bookings.v2.urls.v2_urlpatterns,
    "calendars_sync/api/urls.py": calendars_sync.api.urls.v1_urlpatterns,
    "calendars_sync/setup_api/urls.py": [
        *calendars_sync.setup_api.urls.setup_v1_urlpatterns,
        *calendars_sync.setup_api.urls.connect_urlpatterns,
    ],
}


def test_no_api_module_but_urls_defines_routes():
    modules = {
        label(path): importlib.import_module(label(path).removesuffix(".py").replace("/", "."))
        for path in api_modules()
        if path.name != "urls.py"
    }
    assert "bookings/api/views.py" in modules
    assert [name for name, module in modules.items() if hasattr(module, "urlpatterns")] == []


@pytest.mark.parametrize("module", sorted(ROUTES))
def test_every_route_resolves_to_the_pattern_defined_in_urls(module):
    patterns = ROUTES[module]
    for pattern in patterns:
        kwargs = {key: "x" for key in pattern.pattern.converters}
        assert resolve(reverse(pattern.name, kwargs=kwargs)).func is pattern.callback


def test_the_routes_checked_are_every_apps_api_routes():
    names = {name for patterns in ROUTES.values() for name in (p.name for p in patterns)}
    assert {
        "oauth-token",
        "oauth-authorize",
        "v1-availability",
        "v1-calendar-events",
        "v1-real-time-scheduling",
    } <= names
    assert set(ROUTES) == {label(path) for path in api_modules() if path.name == "urls.py"}
