"""Calendar sync end to end: initial imports per provider, and push -> visible in availability.

    .venv/bin/python bench/sync.py [--events 10000] [--runs 3] [--samples 20]
                                   [--part all|import|push] [--providers google microsoft ...]

For each database (a temporary SQLite file, and also PostgreSQL when DATABASE_URL is set, e.g.
postgres://postgres@127.0.0.1:5432/bench: that database is flushed), it migrates and prints:
- import: the wall time of `connection_sync` (the adapter on the provider's real client library
  pulling every page, plus the database import) for a first sync of a calendar holding --events
  timed events, per provider kind: Google (FakeGoogle), Microsoft (FakeGraph), CalDAV (a real
  Radicale, its cache warmed by one read first), ICS (a feed from a local file server). Median of
  --runs first syncs, each into a new resource. Target: <= 5 s.
- push: gunicorn and a q2 cluster (ORM broker, poll 0.5 s) run the platform; a resource's Google
  and Microsoft calendars are connected with push (a watch channel / a subscription whose
  validation handshake reaches gunicorn). Per sample an event is added at the provider, the
  provider's push is sent, and the bench polls POST /v1/availability until the slot is gone: the
  delay from the push to the change being visible. Median and p95 over --samples. Target: <= 1 s.
The fakes are the test suite's (tests/fakes/), speaking the providers' documented protocols.
"""

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import free_port, start_process, stop

IMPORT_TARGET_S = 5.0
PUSH_TARGET_S = 1.0
DAY0 = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def spans(count: int) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """`count` half-hour events, 30 a day from tomorrow on (within the sync window)."""
    for n in range(count):
        day, slot = divmod(n, 30)
        start = DAY0 + dt.timedelta(days=1 + day, hours=6, minutes=30 * slot)
        yield start, start + dt.timedelta(minutes=30)


def median_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[
        min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))
    ]


# --- the providers, each a context manager yielding a factory of (provider, account, secrets) ---


@contextmanager
def google_source(events: int) -> Iterator[Callable[[int], tuple[str, str, dict]]]:
    from tests.fakes.google import FakeGoogle

    with FakeGoogle() as fake:
        configure(google_env(fake))

        def make(run: int) -> tuple[str, str, dict]:
            email = f"bench{run}@example.test"
            calendar_id = fake.add_user(email)
            for n, (start, end) in enumerate(spans(events)):
                fake.put_event(
                    calendar_id,
                    {
                        "id": f"ev{run}x{n}",
                        "summary": f"Busy {n}",
                        "start": {"dateTime": start.isoformat()},
                        "end": {"dateTime": end.isoformat()},
                    },
                    notify=False,
                )
            return "google", email, oauth_secrets(fake.grant(email))

        yield make


def google_env(fake) -> dict[str, str]:
    return {
        "GOOGLE_CLIENT_ID": fake.client_id,
        "GOOGLE_CLIENT_SECRET": fake.client_secret,
        "GOOGLE_OAUTH_AUTHORIZE_URL": fake.authorize_url,
        "GOOGLE_OAUTH_TOKEN_URL": fake.token_url,
        "GOOGLE_CALENDAR_API_URL": fake.api_url,
    }


@contextmanager
def microsoft_source(events: int) -> Iterator[Callable[[int], tuple[str, str, dict]]]:
    from tests.fakes.microsoft import FakeGraph

    with FakeGraph() as fake:
        configure(microsoft_env(fake))

        def make(run: int) -> tuple[str, str, dict]:
            email = f"bench{run}@example.test"
            calendar_id = fake.add_user(email)
            for n, (start, end) in enumerate(spans(events)):
                fake.put_event(calendar_id, start=start, end=end, subject=f"Busy {n}")
            return "microsoft", email, oauth_secrets(fake.grant(email))

        yield make


def microsoft_env(fake) -> dict[str, str]:
    return {
        "MICROSOFT_CLIENT_ID": fake.client_id,
        "MICROSOFT_CLIENT_SECRET": fake.client_secret,
        "MICROSOFT_OAUTH_AUTHORIZE_URL": fake.authorize_url,
        "MICROSOFT_OAUTH_TOKEN_URL": fake.token_url,
        "MICROSOFT_GRAPH_URL": fake.graph_url,
    }


def vevent(uid: str, start: dt.datetime, end: dt.datetime, summary: str) -> str:
    stamp = "%Y%m%dT%H%M%SZ"
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{start.strftime(stamp)}\r\n"
        f"DTSTART:{start.strftime(stamp)}\r\nDTEND:{end.strftime(stamp)}\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\n"
    )


def vcalendar(body: str) -> str:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//sync//EN\r\n{body}END:VCALENDAR\r\n"


@contextmanager
def caldav_source(events: int) -> Iterator[Callable[[int], tuple[str, str, dict]]]:
    import caldav

    from tests.fakes.radicale import RadicaleServer

    with RadicaleServer() as server:

        def make(run: int) -> tuple[str, str, dict]:
            user, password = f"bench{run}", "bench-password"
            server.add_user(user, password)
            with caldav.DAVClient(url=server.url, username=user, password=password) as client:
                calendar = client.principal().make_calendar(name="Bench")
                href = calendar.url.path
                items = {
                    f"ev{n}.ics": vcalendar(vevent(f"ev{run}x{n}", start, end, f"Busy {n}"))
                    for n, (start, end) in enumerate(spans(events))
                }
                server.write_items(href, items)
                calendar_url = str(calendar.url)
            secrets = {"url": server.url, "username": user, "password": password}
            warm_radicale(secrets, calendar_url)
            return "caldav", user, secrets

        yield make


def warm_radicale(secrets: dict, calendar_url: str) -> None:
    """One full pull before the measured one: Radicale builds its item cache on the first read
    of new files (minutes for 10,000 on these machines), which is Radicale's cost, not ours."""
    from calendars_sync.providers.base import Credentials
    from calendars_sync.providers.caldav import CalDAVAdapter
    from calendars_sync.services.pull import sync_window

    adapter = CalDAVAdapter(Credentials(**secrets), timeout=1200)
    adapter.pull(calendar_url, state=None, window=sync_window(dt.datetime.now(dt.UTC)))


@contextmanager
def ics_source(events: int) -> Iterator[Callable[[int], tuple[str, str, dict]]]:
    from tests.fakes.ics_server import IcsServer

    with IcsServer() as server:

        def make(run: int) -> tuple[str, str, dict]:
            body = "".join(
                vevent(f"ev{run}x{n}", start, end, f"Busy {n}")
                for n, (start, end) in enumerate(spans(events))
            )
            server.put(f"/bench{run}.ics", vcalendar(body))
            url = server.url(f"/bench{run}.ics")
            return "ics", url, {"url": url}

        yield make


SOURCES = {
    "google": google_source,
    "microsoft": microsoft_source,
    "caldav": caldav_source,
    "ics": ics_source,
}


def oauth_secrets(granted: dict) -> dict:
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=int(granted.get("expires_in", 3600)))
    return {
        "access_token": granted["access_token"],
        "refresh_token": granted.get("refresh_token", ""),
        "expires_at": expires.isoformat(),
    }


# --- measuring ---


def connected_resource(application, provider: str, external: str, secrets: dict, name: str):
    """A new resource with an active connection, as the connect flows leave it (without queueing
    the initial sync: the bench runs it itself)."""
    from django.utils import timezone

    from calendars_sync.models import Connection
    from calendars_sync.services.connections import (
        _profile_ensure,
        connection_ensure,
        connection_secrets_set,
    )
    from scheduling.services.accounts import resource_create

    resource = resource_create(application=application, name=name)
    connection = connection_ensure(account=resource, provider=provider, external_account=external)
    connection_secrets_set(connection, secrets)
    _profile_ensure(connection, timezone.now())
    connection.state = Connection.State.ACTIVE
    connection.save()
    return resource, connection


def measure_imports(application, provider: str, events: int, runs: int) -> list[float]:
    from calendars_sync.services.sync import connection_sync
    from scheduling.models import Event

    seconds = []
    with SOURCES[provider](events) as make:
        for run in range(runs):
            kind, external, secrets = make(run)
            resource, connection = connected_resource(
                application, kind, external, secrets, f"{provider} {run}"
            )
            began = time.perf_counter()
            report = connection_sync(connection=connection)
            seconds.append(time.perf_counter() - began)
            imported = Event.objects.filter(calendar__account=resource, deleted=False).count()
            if imported != events:
                raise RuntimeError(f"{provider}: imported {imported} of {events} events: {report}")
    return seconds


def configure(values: dict[str, str]) -> None:
    """Settings for this process (already set up) and for the servers it starts later."""
    from django.conf import settings

    os.environ.update(values)
    for name, value in values.items():
        setattr(settings, name, value)


def slot_free(base: str, api_key: str, sub: str, start: dt.datetime) -> bool:
    import requests

    body = {
        "participants": [{"members": [{"sub": sub}], "required": "all"}],
        "required_duration": {"minutes": 30},
        "query_periods": [
            {
                "start": start.isoformat().replace("+00:00", "Z"),
                "end": (start + dt.timedelta(minutes=30)).isoformat().replace("+00:00", "Z"),
            }
        ],
    }
    answer = requests.post(
        f"{base}/v1/availability",
        json=body,
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=10,
    )
    answer.raise_for_status()
    return bool(answer.json()["available_periods"])


def wait_busy(base: str, api_key: str, sub: str, start: dt.datetime, timeout: float = 20) -> float:
    """Poll availability until the slot is taken; the perf_counter when it was first seen so."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if not slot_free(base, api_key, sub, start):
            return time.perf_counter()
        time.sleep(0.02)
    raise TimeoutError(f"the slot at {start} stayed free for {timeout} s after the push")


@contextmanager
def platform(workdir: Path) -> Iterator[str]:
    """gunicorn (4 threads) and a q2 cluster on this process's environment; yields the base URL,
    which is also PUBLIC_BASE_URL (where providers send their pushes)."""
    import requests

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    configure({"PUBLIC_BASE_URL": base})
    args = [
        "-m",
        "gunicorn",
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    args += ["--worker-class", "gthread", "--threads", "4"]
    web = start_process(args, workdir / "gunicorn.log")
    cluster = start_process([str(ROOT / "manage.py"), "qcluster"], workdir / "qcluster.log")
    try:
        for _ in range(300):
            try:
                requests.get(f"{base}/health", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield base
    finally:
        stop(cluster)
        stop(web)


def push_change(fake, provider: str, calendar_id: str, start: dt.datetime, n: int) -> None:
    """Add a busy event at the provider without telling anyone yet."""
    end = start + dt.timedelta(minutes=30)
    if provider == "google":
        event = {
            "id": f"push{n}",
            "summary": "Pushed",
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": end.isoformat()},
        }
        fake.put_event(calendar_id, event, notify=False)
    else:
        fake.put_event(calendar_id, start=start, end=end, subject="Pushed")


def measure_push(application, api_key: str, provider: str, samples: int, workdir: Path):
    from calendars_sync.services.sync import connection_sync
    from tests.fakes.google import FakeGoogle
    from tests.fakes.microsoft import FakeGraph

    fake_class, env = (
        (FakeGoogle, google_env) if provider == "google" else (FakeGraph, microsoft_env)
    )
    delays = []
    with fake_class() as fake:
        configure(env(fake))
        email = f"push-{provider}@example.test"
        calendar_id = fake.add_user(email)
        with platform(workdir) as base:
            resource, connection = connected_resource(
                application, provider, email, oauth_secrets(fake.grant(email)), f"push {provider}"
            )
            connection_sync(connection=connection)  # first sync, which opens the push channel
            for n in range(samples):
                start = DAY0 + dt.timedelta(days=2, hours=n % 10, minutes=30 * (n // 10))
                if not slot_free(base, api_key, resource.sub, start):
                    raise RuntimeError("the bench's slot is busy before the push")
                push_change(fake, provider, calendar_id, start, n)
                began = time.perf_counter()
                fake.notify(calendar_id)
                delays.append(wait_busy(base, api_key, resource.sub, start) - began)
                time.sleep(0.3)
    return delays


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_q.models import OrmQ

    from scheduling.services.applications import application_create

    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
    created = application_create(name="Bench")
    print(f"\n{connection.vendor}: {args.events} events per calendar", flush=True)
    if args.part in ("all", "import"):
        report_imports(created.application, args)
    OrmQ.objects.all().delete()  # nothing the import part queued may run in the cluster below
    if args.part in ("all", "push"):
        report_pushes(created, args)


def report_imports(application, args: argparse.Namespace) -> None:
    print(f"  initial import (connection_sync), median of {args.runs}, target {IMPORT_TARGET_S} s:")
    for provider in args.providers:
        seconds = measure_imports(application, provider, args.events, args.runs)
        median = statistics.median(seconds)
        print(
            f"    {provider:9} median {median:6.2f} s   {args.events / median:8.0f} events/s"
            f"   median / target: {median / IMPORT_TARGET_S:.2f}",
            flush=True,
        )


def report_pushes(created, args: argparse.Namespace) -> None:
    print(
        f"  push -> visible in /v1/availability, {args.samples} samples, target {PUSH_TARGET_S} s:"
    )
    for provider in [p for p in args.providers if p in ("google", "microsoft")]:
        delays = measure_push(
            created.application, created.client_secret, provider, args.samples, Path(args.workdir)
        )
        median, p95 = median_p95(delays)
        print(
            f"    {provider:9} median {median * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"
            f"   median / target: {median / PUSH_TARGET_S:.2f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--part", choices=["all", "import", "push"], default="all")
    parser.add_argument("--providers", nargs="+", choices=list(SOURCES), default=list(SOURCES))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    workdir = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    databases = [f"sqlite:///{workdir / 'bench.sqlite3'}"]
    if os.environ.get("DATABASE_URL"):
        databases.append(os.environ["DATABASE_URL"])
    for url in databases:
        env = os.environ | {
            "DATABASE_URL": url,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "BENCH_STATIC_ROOT": str(workdir / "static"),
            "LOG_LEVEL": "WARNING",
            "CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8",
            "Q2_REDIS_URL": "",
        }
        command = [sys.executable, __file__, "--child", "--workdir", str(workdir)]
        command += ["--events", str(args.events), "--runs", str(args.runs)]
        command += ["--samples", str(args.samples), "--part", args.part]
        command += ["--providers", *args.providers]
        subprocess.run(command, env=env, check=True)  # noqa: S603 (our own interpreter)


if __name__ == "__main__":
    main()
