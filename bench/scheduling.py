"""Real-time scheduling end to end: the picker page next to /v1/availability, the confirm, and
the callback's delay.

    .venv/bin/python bench/scheduling.py [--repeat N] [--confirms N]

Three application calendars, each with 1,000 busy events (15-120 minutes, on quarter hours,
mostly in working hours on weekdays) within a 14-day window; a real-time scheduling request for
all three (60 minutes on 30-minute boundaries, every participant required, over those 14 days),
served by gunicorn (1 sync worker, a separate process) with a q2 cluster running. It prints the
medians of:
- picker:  GET /rts/{token}, the page with every time offered, grouped by day;
- API:     POST /v1/availability with the same query (the same request's availability object),
           in the same run, and picker/API (target: at most 1.5x; about 150 ms or less);
- confirm: POST /rts/{token}/confirm of a time offered (each on a link of its own, the times
           not overlapping), up to its redirect (target: at most 100 ms);
- callback delay: from the confirm's answer (its transaction has committed) to the completed
           callback reaching a receiver on 127.0.0.1, delivered by the q2 cluster (target: median
           at most 1 s).
No timing is asserted: these are figures to read (README, "Performance").

SQLite in a temporary file by default; DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/bench)
benchmarks PostgreSQL: that database is flushed and filled.
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-scheduling-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
# Pages need collected static files (their manifest): bench/settings.py keeps them in WORKDIR.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["BENCH_STATIC_ROOT"] = str(WORKDIR / "static")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["CALLBACK_ALLOWED_NETWORKS"] = "127.0.0.0/8"
os.environ["Q2_REDIS_URL"] = ""

import django

django.setup()

import requests
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bench.harness import paired_medians_ms, start_gunicorn, start_process, stop
from bookings.api.serializers import SERIALIZERS
from bookings.links import link_token
from bookings.services.scheduling_requests import scheduling_request_create
from scheduling.models import Event
from scheduling.services.accounts import account_create
from scheduling.services.applications import application_create
from scheduling.timeformat import format_time

PARTICIPANTS = 3
EVENTS = 1000
DAYS = 14
TARGET_RATIO, TARGET_CONFIRM_MS, TARGET_CALLBACK_S = 1.5, 100.0, 1.0


def _monday_after_next_week() -> datetime:
    """Midnight UTC of a Monday 8 to 14 days ahead: the server runs on the real clock, and its
    `now` must not clip the query."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=14 - today.weekday())


START = _monday_after_next_week()
END = START + timedelta(days=DAYS)


def busy_events(rng: random.Random, count: int) -> list[tuple[datetime, datetime]]:
    """As bench/engine.py's calendars, but all within the 14 days queried."""
    events = []
    for _ in range(count):
        day = rng.randrange(DAYS)
        if rng.random() < 0.85:
            while (START + timedelta(days=day)).weekday() >= 5:
                day = rng.randrange(DAYS)
            minute = rng.randrange(8 * 60, 18 * 60, 15)
        else:
            minute = rng.randrange(0, 24 * 60, 15)
        begins = START + timedelta(days=day, minutes=minute)
        events.append((begins, begins + timedelta(minutes=rng.randrange(15, 121, 15))))
    return sorted(events)


def populate(application, rng: random.Random) -> list:
    accounts = []
    now = timezone.now()
    for index in range(PARTICIPANTS):
        account = account_create(
            kind="application_calendar",
            application=application,
            name=f"Participant {index}",
            application_calendar_id=f"bench-{index}",
        )
        calendar = account.calendars.get()
        Event.objects.bulk_create(
            (
                Event.new(calendar=calendar, start=start, end=end, now=now, summary="Busy")
                for start, end in busy_events(rng, EVENTS)
            ),
            batch_size=2000,
        )
        accounts.append(account)
    return accounts


def availability(accounts: list) -> dict:
    return {
        "participants": [{"members": [{"sub": a.sub} for a in accounts], "required": "all"}],
        "required_duration": {"minutes": 60},
        "start_interval": {"minutes": 30},
        "available_periods": [{"start": format_time(START), "end": format_time(END)}],
        "response_format": "overlapping_slots",
    }


def make_link(application, accounts: list, callback_url: str) -> str:
    body = {
        "event": {"event_id": "bench", "summary": "Bench interview", "tzid": "Europe/London"},
        "availability": availability(accounts),
        "target_calendars": [
            {"sub": accounts[0].sub, "calendar_id": accounts[0].calendars.get().calendar_id}
        ],
        "callback_urls": {"completed_url": callback_url},
    }
    serializer = SERIALIZERS["scheduling"](data=body)
    serializer.is_valid(raise_exception=True)
    request = scheduling_request_create(
        application=application, kind="scheduling", spec=serializer.spec()
    )
    return f"/rts/{link_token(request.real_time_scheduling_id)}"


class Receiver:
    """Records when each callback arrives (time.perf_counter of this process), by event start."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                now = time.perf_counter()
                start = re.search(rb'"start":\{"time":"([^"]+)"', body).group(1).decode()
                with receiver._arrived:
                    receiver.arrivals.setdefault(start, now)
                    receiver._arrived.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callbacks"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def wait(self, start: str, timeout: float = 30) -> float:
        with self._arrived:
            if not self._arrived.wait_for(lambda: start in self.arrivals, timeout):
                raise TimeoutError(f"no callback for {start} within {timeout} s")
            return self.arrivals[start]


def non_overlapping(slots: list[dict], count: int) -> list[str]:
    """Starts of `count` offered slots that do not overlap one another."""
    picked, free_from = [], ""
    for slot in slots:
        if slot["start"] >= free_from:
            picked.append(slot["start"])
            free_from = slot["end"]
    if len(picked) < count:
        raise RuntimeError(f"only {len(picked)} separate times offered, {count} needed")
    return picked[:count]


def confirm_form(session: requests.Session, url: str, start: str) -> dict:
    page = session.get(f"{url}/confirm", params={"start": start, "tz": "Etc/UTC"}, timeout=60)
    page.raise_for_status()
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text
    ):
        fields.setdefault(name, []).append(value)
    return fields


def measure_confirms(base, links, starts, receiver) -> tuple[list[float], list[float]]:
    """(confirm seconds, confirm answer -> callback received seconds), one per link."""
    confirms, delays = [], []
    for url, start in zip(links, starts, strict=True):
        session = requests.Session()
        fields = confirm_form(session, f"{base}{url}", start)
        began = time.perf_counter()
        answer = session.post(
            f"{base}{url}/confirm", data=fields, allow_redirects=False, timeout=60
        )
        answered = time.perf_counter()
        if answer.status_code != 302:
            raise RuntimeError(f"confirm answered {answer.status_code}")
        confirms.append(answered - began)
        delays.append(receiver.wait(start) - answered)
        time.sleep(random.uniform(0.1, 0.6))  # answers at every phase of the workers' polling
    return confirms, delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--confirms", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20250303)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)  # the q2 schedule again
    call_command("collectstatic", interactive=False, verbosity=0)  # pages need the manifest
    created = application_create(name="Bench")
    print(f"database: {connection.vendor}; filling...", flush=True)
    accounts = populate(created.application, random.Random(args.seed))
    receiver = Receiver()
    picker_link = make_link(created.application, accounts, receiver.url)
    links = [make_link(created.application, accounts, receiver.url) for _ in range(args.confirms)]
    server, base = start_gunicorn(log=WORKDIR / "gunicorn.log")
    cluster = start_process([str(ROOT / "manage.py"), "qcluster"], WORKDIR / "qcluster.log")
    session = requests.Session()
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {created.client_secret}"
    body = availability(accounts)
    try:
        slots = api.post(f"{base}/v1/availability", json=body, timeout=60).json()
        slots = slots["available_slots"]
        page = session.get(f"{base}{picker_link}", timeout=60)
        offered = page.text.count('class="slot"')
        if offered != len(slots):
            raise RuntimeError(f"the picker offers {offered} times, the API {len(slots)}")
        picker_ms, api_ms = paired_medians_ms(
            lambda: session.get(f"{base}{picker_link}", timeout=60),
            lambda: api.post(f"{base}/v1/availability", json=body, timeout=60),
            args.repeat,
        )
        confirms, delays = measure_confirms(
            base, links, non_overlapping(slots, args.confirms), receiver
        )
    finally:
        stop(cluster)
        stop(server)
    report(len(slots), len(page.content), picker_ms, api_ms, confirms, delays)


def report(slots, page_bytes, picker_ms, api_ms, confirms, delays) -> None:
    confirm_ms = statistics.median(confirms) * 1000
    delay_s = statistics.median(delays)
    p95 = sorted(delays)[min(len(delays) - 1, round(0.95 * (len(delays) - 1)))]
    print(
        f"{PARTICIPANTS} participants x {EVENTS} events, {DAYS} days: {slots} times offered "
        f"(page {page_bytes / 1024:.0f} KiB)"
    )
    print(f"  picker   median {picker_ms:7.1f} ms")
    print(f"  API      median {api_ms:7.1f} ms   (POST /v1/availability, the same query)")
    print(f"  picker/API      {picker_ms / api_ms:7.2f}      (target <= {TARGET_RATIO})")
    print(f"  confirm  median {confirm_ms:7.1f} ms   (target <= {TARGET_CONFIRM_MS:.0f} ms)")
    print(
        f"  callback median {delay_s * 1000:7.1f} ms   p95 {p95 * 1000:.1f} ms   "
        f"(confirm answered -> received, q2 poll 0.5 s; target median <= {TARGET_CALLBACK_S} s)"
    )


if __name__ == "__main__":
    main()
