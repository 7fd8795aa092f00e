"""Availability end to end: engine, HTTP, and the database floor, with their ratio.

    .venv/bin/python bench/availability.py [--repeat N] [--members 1,10,50] [--events 200,1000,5000]

For 1, 10 and 50 members, each with 200, 1,000 and 5,000 busy events over a 28-day query (60-minute
slots on 15-minute boundaries, every member required), it prints medians of:
- engine: scheduling.engine.availability() on inputs already loaded;
- HTTP:   POST /v1/availability to a gunicorn worker (1 sync worker, a separate process), timed
          from this process with requests;
- floor:  reading the same events' start/end from the database in this process with the ORM
          (values_list);
- HTTP/floor;
- read:   the selector's own read of those rows (event_spans, which skips Django's per-value
          converters and so beats the ORM floor).
Then the growth of engine and HTTP time with the number of events, against the target "about
linear": at most 1.2 times the events ratio (10x events -> at most 12x time).

SQLite in a temporary file by default; DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/bench)
benchmarks PostgreSQL: that database is flushed and filled.
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-availability-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

import requests
from django.core.management import call_command
from django.utils import timezone

from bench.engine import DAYS, busy_events
from bench.harness import start_gunicorn, stop
from scheduling import engine
from scheduling.models import Event
from scheduling.selectors.availability_queries import event_spans, load_members
from scheduling.services.accounts import account_create
from scheduling.services.applications import application_create
from scheduling.timeformat import format_time


def _monday_after_next_week() -> datetime:
    """Midnight UTC of a Monday 8 to 14 days ahead: the HTTP worker runs on the real clock, and
    its `now` must not clip the query."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=14 - today.weekday())


START = _monday_after_next_week()
END = START + timedelta(days=DAYS)


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm caches and connections
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def populate(application, members: int, events: int, rng: random.Random) -> list:
    """`members` application calendars, each with `events` busy events (bulk inserted)."""
    accounts = []
    now = timezone.now()
    for index in range(members):
        account = account_create(
            kind="application_calendar",
            application=application,
            name=f"Member {index}",
            application_calendar_id=f"bench-{events}-{index}",
        )
        calendar = account.calendars.get()
        Event.objects.bulk_create(
            (
                Event.new(calendar=calendar, start=start, end=end, now=now, summary="Busy")
                for start, end in busy_events(rng, events, start=START)
            ),
            batch_size=2000,
        )
        accounts.append(account)
    return accounts


def request_body(accounts: list) -> dict:
    return {
        "participants": [{"members": [{"sub": a.sub} for a in accounts], "required": "all"}],
        "required_duration": {"minutes": 60},
        "start_interval": {"minutes": 15},
        "query_periods": [{"start": format_time(START), "end": format_time(END)}],
        "response_format": "slots",
        "max_results": engine.limits.MAX_RESULTS,
    }


def engine_query(application, accounts: list) -> engine.AvailabilityQuery:
    requests = [engine.MemberRequest(sub=a.sub) for a in accounts]
    window = engine.Interval(START, END)
    loaded = load_members(application=application, requests=requests, window=window)
    return engine.AvailabilityQuery(
        groups=(engine.Group(tuple(loaded[r] for r in requests)),),
        query_periods=(engine.Interval(START, END),),
        required_duration=timedelta(minutes=60),
        start_interval=timedelta(minutes=15),
        now=timezone.now(),
        response_format="slots",
        max_results=engine.limits.MAX_RESULTS,
    )


def _events(accounts: list):
    calendar_pks = [a.calendars.get().pk for a in accounts]
    return Event.objects.filter(calendar_id__in=calendar_pks, start__lt=END, end__gt=START)


def floor_read(accounts: list) -> Callable[[], list]:
    events = _events(accounts)
    return lambda: list(events.values_list("start", "end"))


def selector_read(accounts: list) -> Callable[[], list]:
    events = _events(accounts)
    return lambda: event_spans(events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--members", default="1,10,50")
    parser.add_argument("--events", default="200,1000,5000")
    parser.add_argument("--seed", type=int, default=20250303)
    args = parser.parse_args()
    member_counts = [int(n) for n in args.members.split(",")]
    event_counts = [int(n) for n in args.events.split(",")]

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    created = application_create(name="Bench")
    rng = random.Random(args.seed)
    print(f"database: {django.db.connection.vendor}; filling...", flush=True)
    accounts = {e: populate(created.application, max(member_counts), e, rng) for e in event_counts}
    server, base = start_gunicorn(ready_path="/")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {created.client_secret}"
    results: dict[tuple[int, int], tuple[float, float]] = {}
    try:
        print(
            f"{'members':>7} {'events':>7} {'engine ms':>10} {'http ms':>9} {'floor ms':>9} "
            f"{'http/floor':>10} {'read ms':>8} {'slots':>6}"
        )
        for members in member_counts:
            for events in event_counts:
                group = accounts[events][:members]
                repeat = max(5, args.repeat // (1 + members * events // 20000))
                query = engine_query(created.application, group)
                engine_ms = median_ms(lambda q=query: engine.availability(q), repeat)
                floor_ms = median_ms(floor_read(group), repeat)
                read_ms = median_ms(selector_read(group), repeat)
                body = request_body(group)
                response = session.post(f"{base}/v1/availability", json=body, timeout=60)
                response.raise_for_status()
                slots = len(response.json()["available_slots"])
                http_ms = median_ms(
                    lambda b=body: session.post(f"{base}/v1/availability", json=b, timeout=60),
                    repeat,
                )
                results[members, events] = (engine_ms, http_ms)
                print(
                    f"{members:>7} {events:>7} {engine_ms:>10.1f} {http_ms:>9.1f} "
                    f"{floor_ms:>9.1f} {http_ms / floor_ms:>10.2f} {read_ms:>8.1f} {slots:>6}",
                    flush=True,
                )
    finally:
        stop(server)
    print("\ngrowth with events (target: about linear, at most 1.2x the events ratio):")
    for members in member_counts:
        steps = list(itertools.pairwise(event_counts))
        if len(steps) > 1:
            steps.append((event_counts[0], event_counts[-1]))
        for low, high in steps:
            (e_low, h_low), (e_high, h_high) = results[members, low], results[members, high]
            bound = 1.2 * high / low
            verdicts = [
                f"{name} {ratio:.1f}x{'' if ratio <= bound else ' OVER'}"
                for name, ratio in (("engine", e_high / e_low), ("http", h_high / h_low))
            ]
            print(
                f"  {members:>2} members, {low}->{high} events ({high / low:.0f}x, "
                f"bound {bound:.0f}x): " + ", ".join(verdicts)
            )


if __name__ == "__main__":
    main()
