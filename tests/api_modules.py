"""Every app's API modules (`<app>/api/*.py` and `<app>/v2/*.py` of this project's apps), for
the tests that hold all of them to the API's conventions: strict fields
(tests/scheduling/api/test_fields.py), query strings read through query_params (test_params.py),
routes defined in urls modules only (test_urls.py). An app that gains an `api` package is covered
without a change here."""

import pathlib

from django.apps import apps
from django.conf import settings

ROOT = pathlib.Path(settings.BASE_DIR)
# An app's API packages: `api` (/v1), bookings' Timekit-shaped `v2`, and calendars_sync's
# OnSched-shaped `setup_api` (/setup/v1).
API_PACKAGES = ("api", "v2", "setup_api")


def api_folders() -> list[pathlib.Path]:
    folders = [
        pathlib.Path(config.path) / package
        for config in apps.get_app_configs()
        for package in API_PACKAGES
    ]
    return [
        folder
        for folder in folders
        if folder.is_relative_to(ROOT) and (folder / "__init__.py").exists()
    ]


def api_modules() -> list[pathlib.Path]:
    return sorted(path for folder in api_folders() for path in folder.glob("*.py"))


def label(path: pathlib.Path) -> str:
    return str(path.relative_to(ROOT))
