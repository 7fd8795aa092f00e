"""Absolute links the API hands out."""

from django.conf import settings
from django.urls import reverse


def absolute_url(request, path: str) -> str:
    """PUBLIC_BASE_URL + path when configured (behind a proxy), else the host the client used."""
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


def absolute_reverse(request, name: str, *args: object) -> str:
    return absolute_url(request, reverse(name, args=args))
