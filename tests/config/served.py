"""Real server processes for tests of how the app is served: gunicorn with config/gunicorn.conf.py
on a free 127.0.0.1 port, against a migrated SQLite file of the test's own (never the test
database, which the server processes could not see).

Each process runs in its own session, so that stopping it takes its whole process group (a
gunicorn master and its workers) and nothing outlives the test.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.config.settings_probe import ROOT

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def server_env(database: Path, **env: str) -> dict[str, str]:
    """The environment of a production-like process on `database`: DEBUG off, no test settings."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DEBUG", "DATABASE_URL", "WEB_", "BEHIND_PROXY"))
    }
    return clean | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "served-test-" + "k" * 50,
        "DATABASE_URL": f"sqlite:///{database}",
        "LOG_LEVEL": "WARNING",
        **env,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our interpreter, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def migrated_database(directory: Path) -> Path:
    database = directory / "served.sqlite3"
    manage(server_env(database), "migrate", "--noinput")
    return database


def demo_database(directory: Path) -> tuple[Path, dict]:
    """A migrated SQLite file holding the demo data, and the demo's credentials."""
    database = migrated_database(directory)
    return database, json.loads(manage(server_env(database), "seed_demo", "--json"))


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 (our gunicorn, fixed arguments)
        [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env | {"HOST": "127.0.0.1", "PORT": str(port)},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process)
    return process


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def stop_group(process: subprocess.Popen) -> None:
    """Stops the process's whole group: politely, then for sure."""
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # workers that outlived their master
