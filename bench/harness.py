"""What every end-to-end benchmark needs: a gunicorn of the project's own (and a q2 cluster) as
processes of their own on 127.0.0.1, stopped for sure, and medians of calls timed in turns.
Imports nothing from Django: a bench sets its environment up first, then starts servers."""

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_process(args: list[str], log: Path | None = None) -> subprocess.Popen:
    """`python args...` in the project's directory with this process's environment, in a
    session of its own (so `stop` can take its children too)."""
    output = log.open("w") if log else subprocess.DEVNULL
    return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_gunicorn(
    *, log: Path | None = None, workers: int = 1, threads: int = 1, ready_path: str = "/health"
) -> tuple[subprocess.Popen, str]:
    """gunicorn serving config.wsgi on a free port (sync workers unless `threads` > 1); returns
    the process and its base URL once `ready_path` answers."""
    port = free_port()
    args = ["-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    args += ["--workers", str(workers), "--log-level", "warning"]
    if threads > 1:
        args += ["--worker-class", "gthread", "--threads", str(threads)]
    server = start_process(args, log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(f"{base}{ready_path}", timeout=5)
            return server, base
        except requests.RequestException:
            time.sleep(0.1)
    stop(server)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)  # its own process group (start_new_session)
        process.wait()


def paired_medians_ms(first: Callable[[], object], second: Callable[[], object], repeat: int):
    """Medians of two calls timed in turns, so that the machine's load drifts over both alike."""
    first(), second()  # warm caches and connections
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, spent in ((first, times[0]), (second, times[1])):
            began = time.perf_counter()
            run()
            spent.append(time.perf_counter() - began)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000
