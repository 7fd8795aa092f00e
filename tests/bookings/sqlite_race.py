"""Run by tests/bookings/services/test_booking_sqlite.py in a process of its own: visitors of
links sharing a participant confirm overlapping times at once, on a SQLite *file* database (the
one the platform runs on by default), each thread on its own connection. Prints the outcomes as
JSON. A file database is needed because the test suite's in-memory SQLite cannot have concurrent
connections."""

import json
import os
import sys
import threading

os.environ["DATABASE_URL"] = f"sqlite:///{sys.argv[1]}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bookings.models import SlotClaim  # noqa: E402
from bookings.services.booking import TimeTaken, scheduling_request_book  # noqa: E402
from tests.api_helpers import at  # noqa: E402
from tests.bookings.factories import make_scheduling_request, scheduling_body  # noqa: E402
from tests.factories import make_account, make_application  # noqa: E402

RACERS = 8


def main() -> None:
    call_command("migrate", verbosity=0)
    application = make_application("Race").application
    shared = make_account(application)
    requests = [
        make_scheduling_request(
            application, scheduling_body([make_account(application), shared]), now=at(-72)
        )
        for _ in range(RACERS)
    ]
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            scheduling_request_book(
                scheduling_request=requests[n],
                starts=(at(9 + (n % 2) * 0.5),),
                user_tzid="Etc/UTC",
                now=at(-48),
            )
            outcomes.append("booked")
        except TimeTaken:
            outcomes.append("taken")
        except Exception as exc:  # reported, so the test shows it
            outcomes.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claims = SlotClaim.objects.filter(account=shared).count()
    print(json.dumps({"outcomes": sorted(outcomes), "claims": claims}))


main()
