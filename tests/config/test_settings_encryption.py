"""The encryption key for stored client secrets comes from the environment."""

import pytest

from tests.config.settings_probe import settings_under

NAMES = ("SECRET_ENCRYPTION_KEY", "SECRET_ENCRYPTION_KEY_FALLBACKS")


def keys(**env) -> tuple:
    found = settings_under({"SECRET_KEY": "django key", **env}, *NAMES, drop=("SECRET_ENC",))
    return found["SECRET_ENCRYPTION_KEY"], found["SECRET_ENCRYPTION_KEY_FALLBACKS"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ("django key", [])),
        ({"SECRET_ENCRYPTION_KEY": "own key"}, ("own key", [])),
        (
            {"SECRET_ENCRYPTION_KEY": "new", "SECRET_ENCRYPTION_KEY_FALLBACKS": "old, older,"},
            ("new", ["old", "older"]),
        ),
    ],
)
def test_encryption_keys_follow_the_environment(env, expected):
    assert keys(**env) == expected
