"""django-q2 configuration: the ORM broker on one machine, Redis when Q2_REDIS_URL is set."""

from typing import Any


def q_cluster_settings(redis_url: str) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "name": "scheduling",
        "workers": 2,
        "timeout": 60,
        "retry": 120,
        "queue_limit": 50,
        "bulk": 10,
        "catch_up": False,
        "poll": 0.5,
    }
    if redis_url:
        settings["redis"] = redis_url
    else:
        settings["orm"] = "default"
    return settings
