"""Run one request body in several threads at once, each on its own database connection.

Races need a database with concurrent writers: tests using `race` carry `needs_concurrent_writers`.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

# A race holds up to fifty database connections at once (a thread or a live-server connection
# per racer): races share one xdist group (scripts/test runs `--dist loadgroup`), so that two
# never run side by side and outgrow PostgreSQL's max_connections (100 by default).
needs_concurrent_writers = [
    pytest.mark.xdist_group("races"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers; the race needs a database with concurrent writers",
    ),
]


def race(racers: int, run: Callable[[int], Any]) -> list[Any]:
    """Start `racers` threads that call run(n) together (behind a barrier); their results in
    completion order. Exceptions in a thread fail the test."""
    barrier = threading.Barrier(racers)
    results: list[Any] = []
    errors: list[BaseException] = []

    def runner(n: int) -> None:
        try:
            barrier.wait()
            results.append(run(n))
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
