"""Seats under a crowd: concurrent seat requests for one class through the /v2 API, next to a
trivial authenticated /v2 call of the same server in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/seats.py \
        [--requests 200] [--seats 150] [--rounds 3] [--workers 4] [--threads 8]

Each round fires `--requests` requests at once (one thread each, released together by a
barrier) at gunicorn (`--workers` gthread workers of `--threads` threads, a process of its own):
- floor: GET /v2/resources/{id} with the API key (authentication, one read, the envelope);
- seats: POST /v2/bookings, graph group_customer, one seat each, for a fresh class of `--seats`
  seats (fewer seats than requests: the last requests must be refused).
It prints the median latency and the throughput of both, the ratio of the medians (target: seat
median at most 2x the floor's), and checks every class afterwards: exactly `--seats` seats taken,
as many confirmed seat bookings, every other request a 422, no 5xx (zero oversold). No timing is
asserted: these are figures to read (README, "Performance").

PostgreSQL is the database the figures are for (the flag's database is flushed and filled); the
default, a SQLite file, runs the same checks with SQLite's one writer at a time.
"""

import argparse
import base64
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-seats-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["BENCH_STATIC_ROOT"] = str(WORKDIR / "static")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["Q2_REDIS_URL"] = ""

import django

django.setup()

import requests
from django.core.management import call_command
from django.db import connection

from bench.harness import start_gunicorn, stop
from bookings.engine import graphs
from bookings.models import Booking
from bookings.services.group_bookings import class_create
from scheduling.services.accounts import resource_create
from scheduling.services.applications import application_create

TARGET_RATIO = 2.0


def burst(count: int, call) -> tuple[list[float], list[int], float]:
    """`count` calls at once, one thread each; their latencies, statuses and the wall time."""
    barrier = threading.Barrier(count)
    local = threading.local()

    def one(n: int) -> tuple[float, int]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        barrier.wait()
        began = time.perf_counter()
        status = call(local.session, n)
        return time.perf_counter() - began, status

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(one, range(count)))
    wall = time.perf_counter() - began
    return [r[0] for r in results], [r[1] for r in results], wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seats", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    created = application_create(name="Bench")
    application = created.application
    resource = resource_create(application=application, name="Doc Brown", email="doc@example.test")
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=7)
    classes = [
        class_create(
            application=application,
            account=resource,
            start=start + timedelta(hours=2 * n),
            end=start + timedelta(hours=2 * n + 1),
            max_seats=args.seats,
            what=f"Webinar {n}",
        )
        for n in range(args.rounds)
    ]
    auth = {
        "Authorization": "Basic " + base64.b64encode(f":{created.client_secret}".encode()).decode()
    }
    print(
        f"database: {connection.vendor}; gunicorn {args.workers} workers x {args.threads} "
        f"threads; {args.requests} concurrent requests, {args.seats} seats per class",
        flush=True,
    )
    server, base = start_gunicorn(
        log=WORKDIR / "gunicorn.log", workers=args.workers, threads=args.threads
    )

    def floor(session: requests.Session, n: int) -> int:
        return session.get(
            f"{base}/v2/resources/{resource.sub}", headers=auth, timeout=60
        ).status_code

    def seat_for(klass: Booking):
        def seat(session: requests.Session, n: int) -> int:
            body = {
                "graph": "group_customer",
                "related": {"owner_booking_id": str(klass.booking_id)},
                "customer": {"name": f"Visitor {n}", "email": f"v{n}@example.test"},
            }
            return session.post(
                f"{base}/v2/bookings", json=body, headers=auth, timeout=60
            ).status_code

        return seat

    floor_times, seat_times, floor_rates, seat_rates, statuses = [], [], [], [], []
    try:
        burst(min(args.requests, 20), floor)  # warm every worker's connections
        for klass in classes:
            times, codes, wall = burst(args.requests, floor)
            if set(codes) != {200}:
                raise RuntimeError(f"the floor answered {sorted(set(codes))}")
            floor_times += times
            floor_rates.append(args.requests / wall)
            times, codes, wall = burst(args.requests, seat_for(klass))
            seat_times += times
            seat_rates.append(args.requests / wall)
            statuses.append(codes)
    finally:
        stop(server)
    oversold = check(classes, statuses, args.seats)
    floor_ms = statistics.median(floor_times) * 1000
    seat_ms = statistics.median(seat_times) * 1000
    print(
        f"  floor  GET /v2/resources/{{id}}   median {floor_ms:7.1f} ms   "
        f"{statistics.median(floor_rates):7.1f} requests/s"
    )
    print(
        f"  seats  POST /v2/bookings           median {seat_ms:7.1f} ms   "
        f"{statistics.median(seat_rates):7.1f} requests/s"
    )
    ratio = seat_ms / floor_ms
    print(
        f"  seats / floor {ratio:.2f} (target <= {TARGET_RATIO}): "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}"
    )
    print(f"  oversold classes: {oversold} (target 0)")


def check(classes: list[Booking], statuses: list[list[int]], seats: int) -> int:
    """Every class holds exactly its seats, as many confirmed seat rows back them, and every
    other request was refused with a 422 (no 5xx, no lost request). Returns the oversold count."""
    oversold = 0
    for klass, codes in zip(classes, statuses, strict=True):
        klass.refresh_from_db()
        confirmed = klass.seat_bookings.filter(state=graphs.CONFIRMED).count()
        granted, refused = codes.count(201), codes.count(422)
        others = sorted(set(codes) - {201, 422})
        expected = min(seats, len(codes))
        print(
            f"  {klass.what}: {klass.taken_seats}/{klass.max_seats} taken, {confirmed} seat "
            f"bookings, {granted} x 201, {refused} x 422{f', other: {others}' if others else ''}"
        )
        if klass.taken_seats > seats or confirmed > seats:
            oversold += 1
        if (klass.taken_seats, confirmed, granted) != (expected, expected, expected) or others:
            raise RuntimeError(f"{klass.what}: seats and answers disagree")
    return oversold


if __name__ == "__main__":
    main()
