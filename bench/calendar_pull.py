"""Full pulls of a 10,000-event calendar by the CalDAV and ICS adapters, and the expansion alone.

    .venv/bin/python bench/calendar_pull.py [--events 10000] [--series 100] [--rounds 3]
        [--only ics,caldav,expand] [--profile caldav]

- ics: an IcsServer feed (tests/fakes/ics_server.py, a thread of this process) of `--events`
  VEVENTs, `--series` of them weekly series with an override and an EXDATE; singles in a zone of
  their own with its VTIMEZONE, in UTC, or all-day; IcsAdapter.pull(state=None).
- caldav: the same events as one object each (VTIMEZONE included, as CalDAV clients write them)
  seeded straight into a real Radicale's storage (tests/fakes/radicale.py, a process of its
  own); CalDAVAdapter.pull(state=None). The first pull fills Radicale's item cache and is shown
  as "cold"; the rounds after it are warm.
- expand: icalendar_events.events_from_text over one text of 9,900 singles and 100 weekly
  series (the data of test_icalendar_events' timing test), no network.
Each line gives the median wall time and this process's CPU time (for ics that includes the feed
server's thread; Radicale's CPU is not counted). No target is asserted: the issue's target, an
initial import in <= 5 s per provider kind, is the adapter's pull plus the database import.
`--profile NAME` prints cProfile's top functions for one more round of that part.

Figures (2 shared CPUs, load ~5, medians; before = the adapters of 92b4a7e): ics 4.4 s -> 1.2 s;
expand 2.8 s -> 0.64 s; caldav warm, 10,000 single objects: 18-19 s wall / 13.8 s CPU -> 9.8-10.1 s
wall / 3.0 s CPU, the same events; caldav with the 100 series (10,100 VEVENTs): before refused by
Radicale (400, more than 10,000 VEVENTs in one answer), now 9.6 s wall / 4.0 s CPU. The rest of
the wall time is Radicale's; its cold first answer takes 4-7 minutes (its item cache).
"""

import argparse
import cProfile
import datetime as dt
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django
from django.conf import settings

if not settings.configured:
    settings.configure(CALLBACK_ALLOWED_NETWORKS=["127.0.0.0/8"], USE_TZ=True)
django.setup()

import caldav

from calendars_sync.providers.base import Credentials
from calendars_sync.providers.caldav import CalDAVAdapter
from calendars_sync.providers.icalendar_events import events_from_text
from calendars_sync.providers.ics import IcsAdapter
from tests.fakes.ics_server import IcsServer
from tests.fakes.radicale import RadicaleServer

WINDOW = (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2027, 4, 1, tzinfo=dt.UTC))
STAMP = "%Y%m%dT%H%M%S"
PASSWORD = "bench"  # noqa: S105 (a throw-away Radicale user)
FOOTER = "END:VCALENDAR\r\n"
HEADER = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"
BERLIN = """BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
"""


def vevent(index: int, series: bool) -> str:
    """One event (or a series with its override) in the window; three kinds of single."""
    day = WINDOW[0] + dt.timedelta(days=index % 180, hours=8 + index % 9)
    common = (
        f"UID:bench-{index}@example.com\r\nDTSTAMP:20260901T000000Z\r\n"
        f"SUMMARY:Meeting {index}\r\nDESCRIPTION:Agenda of meeting {index}\r\n"
        f"LOCATION:Room {index % 40}\r\nSEQUENCE:0\r\n"
    )
    local = day.strftime(STAMP)
    ends = {hours: (day + dt.timedelta(hours=hours)).strftime(STAMP) for hours in (1, 2)}
    if series:
        moved = (day + dt.timedelta(weeks=2)).strftime(STAMP)
        skipped = (day + dt.timedelta(weeks=3)).strftime(STAMP)
        return (
            f"BEGIN:VEVENT\r\n{common}DTSTART;TZID=Europe/Berlin:{local}\r\n"
            f"DTEND;TZID=Europe/Berlin:{ends[1]}\r\n"
            f"RRULE:FREQ=WEEKLY;COUNT=20\r\nEXDATE;TZID=Europe/Berlin:{skipped}\r\nEND:VEVENT\r\n"
            f"BEGIN:VEVENT\r\n{common}RECURRENCE-ID;TZID=Europe/Berlin:{moved}\r\n"
            f"DTSTART;TZID=Europe/Berlin:{moved[:9]}170000\r\n"
            f"DTEND;TZID=Europe/Berlin:{moved[:9]}180000\r\nEND:VEVENT\r\n"
        )
    kind = index % 3
    if kind == 0:
        times = f"DTSTART;TZID=Europe/Berlin:{local}\r\nDURATION:PT45M\r\n"
    elif kind == 1:
        times = f"DTSTART:{local}Z\r\nDTEND:{ends[2]}Z\r\n"
    else:
        after = day + dt.timedelta(days=1)
        times = f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\nDTEND;VALUE=DATE:{after:%Y%m%d}\r\n"
    extra = "TRANSP:TRANSPARENT\r\n" if index % 7 == 0 else ""
    extra += "STATUS:TENTATIVE\r\n" if index % 11 == 0 else ""
    return f"BEGIN:VEVENT\r\n{common}{times}{extra}END:VEVENT\r\n"


def is_series(index: int, events: int, series: int) -> bool:
    return series > 0 and index % max(1, events // series) == 0


def feed_text(events: int, series: int) -> str:
    body = "".join(vevent(i, is_series(i, events, series)) for i in range(events))
    return f"{HEADER}X-WR-CALNAME:Bench\r\n{BERLIN}{body}END:VCALENDAR\r\n"


def object_texts(events: int, series: int) -> dict[str, str]:
    return {
        f"bench-{i}.ics": f"{HEADER}{BERLIN}{vevent(i, is_series(i, events, series))}{FOOTER}"
        for i in range(events)
    }


def expansion_text() -> str:
    """The data of test_icalendar_events.test_ten_thousand_events_expand_quickly."""
    singles = [
        f"UID:e{i}\nDTSTART:2026{10 + i % 2:02d}{1 + i % 28:02d}T{i % 24:02d}0000Z\nDURATION:PT1H\n"
        for i in range(9_900)
    ]
    series = [
        f"UID:r{i}\nDTSTART:20261001T0{i % 10}0000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY\n"
        for i in range(100)
    ]
    body = "".join(
        f"BEGIN:VEVENT\nDTSTAMP:20261001T000000Z\n{v}END:VEVENT\n" for v in singles + series
    )
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{body}END:VCALENDAR\n"


def timed(call, rounds: int, label: str, profile: bool) -> object:
    walls, cpus, result = [], [], None
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"{label:<28} wall {statistics.median(walls):6.2f} s  cpu {statistics.median(cpus):6.2f} s"
        f"  ({rounds} rounds; walls {', '.join(f'{w:.2f}' for w in walls)})",
        flush=True,
    )
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(call)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return result


def bench_ics(args) -> None:
    with IcsServer() as server:
        server.put("/bench.ics", feed_text(args.events, args.series))
        adapter = IcsAdapter(Credentials(url=server.url("/bench.ics")))
        pull = timed(
            lambda: adapter.pull(server.url("/bench.ics"), state=None, window=WINDOW),
            args.rounds,
            f"ics {args.events} full pull",
            args.profile == "ics",
        )
        print(f"  {len(pull.events)} events in the window")


def bench_caldav(args) -> None:
    with RadicaleServer() as server:
        server.add_user("bench", PASSWORD)
        client = caldav.DAVClient(
            url=server.url, username="bench", password=PASSWORD, enable_rfc6764=False
        )
        calendar = client.principal().make_calendar(name="Bench")
        server.write_items(str(calendar.url.path), object_texts(args.events, args.series))
        client.close()
        credentials = Credentials(url=server.url, username="bench", password=PASSWORD)
        adapter = CalDAVAdapter(credentials, timeout=600)  # a cold Radicale takes its time

        def pull():
            return adapter.pull(str(calendar.url), state=None, window=WINDOW)

        timed(pull, 1, f"caldav {args.events} cold", False)
        result = timed(pull, args.rounds, f"caldav {args.events} warm", args.profile == "caldav")
        print(f"  {len(result.events)} events in the window")
        adapter.close()


def bench_expand(args) -> None:
    text = expansion_text()
    window = (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    found = timed(
        lambda: events_from_text(text, window=window),
        args.rounds,
        "expand 10000 (100 series)",
        args.profile == "expand",
    )
    print(f"  {len(found)} events in the window")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--series", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="ics,caldav,expand")
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    parts = {"ics": bench_ics, "caldav": bench_caldav, "expand": bench_expand}
    for name in args.only.split(","):
        parts[name](args)


if __name__ == "__main__":
    main()
