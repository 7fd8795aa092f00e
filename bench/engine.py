"""Engine-only benchmark: median time of availability() on random realistic calendars.

    .venv/bin/python bench/engine.py [--repeat N] [--seed S]

Busy events last 15-120 minutes (quarter-hour multiples), start on quarter hours and fall mostly
in working hours on weekdays; the query spans 28 days and asks for 60-minute slots on 15-minute
boundaries with every member required. The 'N of M' column asks for half the members instead.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.engine import (
    AvailabilityQuery,
    Group,
    Interval,
    Member,
    availability,
)

START = datetime(2025, 3, 3, tzinfo=UTC)
DAYS = 28
MEMBERS = (1, 10, 50)
EVENTS = (200, 1000, 5000)


def busy_events(
    rng: random.Random, count: int, shuffle: bool = False, start: datetime = START
) -> list[tuple[datetime, datetime]]:
    """`count` random busy blocks over DAYS days from `start` (a Monday at 00:00 UTC)."""
    origin = start
    events = []
    for _ in range(count):
        day = rng.randrange(DAYS)
        if rng.random() < 0.85:
            while (origin + timedelta(days=day)).weekday() >= 5:
                day = rng.randrange(DAYS)
            minute = rng.randrange(8 * 60, 18 * 60, 15)
        else:
            minute = rng.randrange(0, 24 * 60, 15)
        begins = origin + timedelta(days=day, minutes=minute)
        events.append((begins, begins + timedelta(minutes=rng.randrange(15, 121, 15))))
    # A selector ordering by start hands them in sorted; --shuffle shows the unsorted worst case.
    if shuffle:
        rng.shuffle(events)
    else:
        events.sort()
    # Fresh objects in list order, as rows read from a database arrive: memory locality matters
    # once tens of thousands of datetimes no longer fit in the CPU caches.
    return [(start + timedelta(0), end + timedelta(0)) for start, end in events]


def query(members: list[Member], required: int | None, fmt: str) -> AvailabilityQuery:
    return AvailabilityQuery(
        groups=(Group(tuple(members), required=required),),
        query_periods=(Interval(START, START + timedelta(days=DAYS)),),
        required_duration=timedelta(minutes=60),
        start_interval=timedelta(minutes=15),
        now=START - timedelta(days=1),
        response_format=fmt,
    )


def median_ms(q: AvailabilityQuery, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        availability(q)
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20250303)
    parser.add_argument("--shuffle", action="store_true", help="hand busy blocks in random order")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"{'members':>7} {'events':>7} {'slots ms':>9} {'periods ms':>10} {'N of M ms':>9}")
    for count in MEMBERS:
        for events in EVENTS:
            members = [
                Member(f"acc_{i}", busy_events(rng, events, args.shuffle)) for i in range(count)
            ]
            repeat = max(3, args.repeat // (1 + count * events // 20000))
            slots = median_ms(query(members, None, "slots"), repeat)
            periods = median_ms(query(members, None, "periods"), repeat)
            n_of_m = median_ms(query(members, max(1, count // 2), "slots"), repeat)
            print(f"{count:>7} {events:>7} {slots:>9.2f} {periods:>10.2f} {n_of_m:>9.2f}")


if __name__ == "__main__":
    main()
