"""The outbox end to end: a real `manage.py qcluster` delivering to a local receiver.

    .venv/bin/python bench/callbacks.py [--callbacks 1000] [--samples 30]

For each database (a temporary SQLite file, and also PostgreSQL when DATABASE_URL is set, e.g.
postgres://postgres@127.0.0.1:5432/bench: that database is flushed), it migrates, starts a q2
cluster (config/q2.py: ORM broker, 2 workers, poll 0.5 s) and a receiver on 127.0.0.1, then prints:
- latency: median and p95 delay from the COMMIT of a transaction that causes one callback to the
  receiver getting it, over --samples commits (target: median <= 1 s), and the same delay for a
  direct signed POST from this process (no outbox, no worker), as a floor;
- throughput: deliveries per second for --callbacks callbacks queued in one transaction, from its
  commit until the receiver has them all, against the rate of direct signed POSTs one after another
  from this process.

What is committed is a `Scenario`: a write made inside the measured transaction that causes exactly
one callback to the receiver, tagged with the marker it is given. `channel` (the default) upserts an
event through the API's service in an application calendar that has a push notification channel
whose callback URL carries the marker: the latency of what an integrator sees. `enqueue` queues the
callback itself (the outbox alone). Throughput is always measured with `enqueue`.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_S = 1.0


class Receiver:
    """Records when each marker arrives (time.perf_counter of this process)."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.duplicates = 0
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                now = time.perf_counter()
                marker = parse_qs(urlsplit(self.path).query).get("m", [body.get("marker")])[0]
                if body.get("notification", {}).get("type") == "verification":
                    marker = f"verified-{marker}"
                with receiver._arrived:
                    if marker in receiver.arrivals:
                        receiver.duplicates += 1
                    receiver.arrivals.setdefault(marker, now)
                    receiver._arrived.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callbacks"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def wait(self, markers: set[str], timeout: float) -> dict[str, float]:
        with self._arrived:
            self._arrived.wait_for(lambda: markers <= self.arrivals.keys(), timeout)
            missing = markers - self.arrivals.keys()
            if missing:
                raise TimeoutError(f"{len(missing)} callbacks did not arrive within {timeout} s")
            return {marker: self.arrivals[marker] for marker in markers}


@dataclass
class World:
    application: object
    url: str
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """`prepare` sets up, before any measuring, what the markers need; `write` writes, inside the
    measured transaction, what causes one callback with `marker`."""

    write: Callable[[World, str], None]
    prepare: Callable[[World, "Receiver", list[str]], None] = lambda world, receiver, markers: None


def enqueue_write(world: World, marker: str) -> None:
    from scheduling.models import OutgoingCallback
    from scheduling.services.callbacks import callback_enqueue

    callback_enqueue(
        application=world.application,
        url=world.url,
        body=json.dumps({"marker": marker}).encode(),
        kind=OutgoingCallback.Kind.CHANNEL_NOTIFICATION,
    )


def channel_prepare(world: World, receiver: "Receiver", markers: list[str]) -> None:
    """An application calendar per marker, with a channel whose URL carries the marker; waits
    until every channel's verification notification has arrived, so none competes with the
    measured deliveries."""
    from scheduling.services.application_calendars import application_calendar_upsert
    from scheduling.services.channels import channel_create

    for marker in markers:
        account = application_calendar_upsert(
            application=world.application, application_calendar_id=f"bench-{marker}"
        ).account
        channel_create(
            application=world.application, account=account, callback_url=f"{world.url}?m={marker}"
        )
        world.extra[marker] = (account, account.calendars.get(primary=True).calendar_id)
    receiver.wait({f"verified-{marker}" for marker in markers}, timeout=120)


def channel_write(world: World, marker: str) -> None:
    from django.utils import timezone

    from scheduling.services.events import event_upsert
    from scheduling.timeformat import TimeValue

    account, calendar_id = world.extra[marker]
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    event_upsert(
        account=account,
        application=world.application,
        calendar_id=calendar_id,
        event_id=marker,
        summary="Bench",
        start=TimeValue(start),
        end=TimeValue(start + dt.timedelta(hours=1)),
    )


SCENARIOS: dict[str, Scenario] = {
    "channel": Scenario(write=channel_write, prepare=channel_prepare),
    "enqueue": Scenario(write=enqueue_write),
}


def commit(world: World, scenario: Scenario, markers: list[str]) -> float:
    """Run `scenario` for each marker in one transaction; the moment it committed (the first
    on-commit hook, registered before anything else, runs right after the commit)."""
    from django.db import transaction

    committed: list[float] = []
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        for marker in markers:
            scenario.write(world, marker)
    return committed[0]


def direct_post(world: World, marker: str) -> None:
    """The floor: one signed POST from this process, the way a worker sends it."""
    from django.conf import settings

    from scheduling import outbound
    from scheduling.callback_signing import HEADER, hmac_header
    from scheduling.services.applications import application_signing_secrets

    body = json.dumps({"marker": marker}).encode()
    secrets = application_signing_secrets(application=world.application)
    outbound.post(
        world.url,
        body=body,
        headers={"Content-Type": "application/json", HEADER: hmac_header(body, secrets)},
        connect_timeout=settings.CALLBACK_CONNECT_TIMEOUT,
        read_timeout=settings.CALLBACK_READ_TIMEOUT,
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_latency(world, receiver, scenario, samples: int, rng) -> list[float]:
    delays = []
    markers = [f"latency-{n}" for n in range(samples)]
    scenario.prepare(world, receiver, markers)
    for marker in markers:
        committed = commit(world, scenario, [marker])
        arrived = receiver.wait({marker}, timeout=30)[marker]
        delays.append(arrived - committed)
        time.sleep(rng.uniform(0.1, 0.6))  # commits at every phase of the workers' polling
    return delays


def measure_direct_latency(world, receiver, samples: int) -> list[float]:
    delays = []
    for n in range(samples):
        marker = f"direct-{n}"
        began = time.perf_counter()
        direct_post(world, marker)
        delays.append(receiver.wait({marker}, timeout=30)[marker] - began)
    return delays


def measure_throughput(world, receiver, scenario, count: int) -> tuple[float, float]:
    """Deliveries per second through the workers, and the enqueue transaction's own seconds."""
    markers = [f"bulk-{n}" for n in range(count)]
    scenario.prepare(world, receiver, markers)
    began = time.perf_counter()
    committed = commit(world, scenario, markers)
    arrivals = receiver.wait(set(markers), timeout=600)
    return count / (max(arrivals.values()) - committed), committed - began


def measure_direct_throughput(world, count: int) -> float:
    began = time.perf_counter()
    for n in range(count):
        direct_post(world, f"direct-bulk-{n}")
    return count / (time.perf_counter() - began)


def start_cluster(workdir: Path) -> subprocess.Popen:
    log = (workdir / "qcluster.log").open("w")
    return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, str(ROOT / "manage.py"), "qcluster"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_cluster(cluster: subprocess.Popen) -> None:
    cluster.terminate()
    try:
        cluster.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(cluster.pid, 9)  # the cluster's own process group (start_new_session)
        cluster.wait()


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from scheduling.services.applications import application_create

    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)  # the q2 schedule again
    receiver = Receiver()
    world = World(application_create(name="Bench").application, receiver.url)
    scenario = SCENARIOS[args.scenario]
    cluster = start_cluster(Path(args.workdir))
    try:
        commit(world, SCENARIOS["enqueue"], ["warm-up"])
        receiver.wait({"warm-up"}, timeout=60)  # the cluster is up and delivering
        rng = random.Random(7)
        delays = measure_latency(world, receiver, scenario, args.samples, rng)
        floor = measure_direct_latency(world, receiver, args.samples)
        rate, enqueue_s = measure_throughput(world, receiver, SCENARIOS["enqueue"], args.callbacks)
        direct_rate = measure_direct_throughput(world, min(args.callbacks, 300))
    finally:
        stop_cluster(cluster)
    report(connection.vendor, args, delays, floor, rate, enqueue_s, direct_rate, receiver)


def report(vendor, args, delays, floor, rate, enqueue_s, direct_rate, receiver) -> None:
    median, p95 = statistics.median(delays), percentile(delays, 0.95)
    floor_median = statistics.median(floor)
    print(f"\n{vendor}: q2 poll 0.5 s, 2 workers", flush=True)
    print(f"  commit -> received, scenario {args.scenario!r}, {args.samples} samples:")
    print(f"    outbox  median {median * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms")
    print(f"    direct  median {floor_median * 1000:7.1f} ms   (a signed POST, no outbox)")
    print(f"    median / target 1 s: {median / TARGET_MEDIAN_S:.2f}")
    print(f"    outbox / direct:     {median / floor_median:.0f}x")
    print(f"  {args.callbacks} callbacks queued in one transaction ({enqueue_s:.2f} s to commit),")
    print("  scenario 'enqueue':")
    print(f"    outbox  {rate:7.1f} deliveries/s")
    print(f"    direct  {direct_rate:7.1f} POSTs/s (one after another, in process)")
    print(f"    outbox / direct: {rate / direct_rate:.2f}")
    print(f"  duplicates received: {receiver.duplicates}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--callbacks", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="channel")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        return child(args)
    workdir = Path(tempfile.mkdtemp(prefix="bench-callbacks-"))
    databases = [f"sqlite:///{workdir / 'bench.sqlite3'}"]
    if os.environ.get("DATABASE_URL"):
        databases.append(os.environ["DATABASE_URL"])
    for url in databases:
        env = os.environ | {
            "DATABASE_URL": url,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
            "CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8",
            "Q2_REDIS_URL": "",
        }
        command = [sys.executable, __file__, "--child", "--workdir", str(workdir)]
        command += ["--callbacks", str(args.callbacks), "--samples", str(args.samples)]
        command += ["--scenario", args.scenario]
        subprocess.run(command, env=env, check=True)  # noqa: S603 (our own interpreter)


if __name__ == "__main__":
    main()
