"""Every /v2 route (config/urls.py mounts them under /v2/). Each path answers with and without a
trailing slash (Timekit's clients send both), so Django's APPEND_SLASH never redirects — a
redirected POST would lose its body."""

from django.urls import URLPattern, path

import scheduling.api.urls  # noqa: F401  (registers the "id" path converter)
from bookings.v2.resources import ResourcesView, ResourceView


def both(route: str, view, name: str) -> list[URLPattern]:
    return [path(route, view, name=name), path(f"{route}/", view, name=f"{name}-slash")]


v2_urlpatterns = [
    *both("resources", ResourcesView.as_view(), "v2-resources"),
    *both("resources/<id:resource_id>", ResourceView.as_view(), "v2-resource"),
]
