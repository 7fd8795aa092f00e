"""scripts/run starts cleanly after its processes were killed hard (scripts/lib.sh: start_group,
stop_stale, port_free), tested with a real gunicorn and a real q2 cluster.

An "earlier run" starts both the way scripts/run does; then it, the gunicorn master and the
qcluster process are killed with -9. The cluster's sentinel and workers survive that (the
precondition: this is the leak), and stop_stale must stop every one of them and free the port.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.config.served import (
    free_port,
    migrated_database,
    port_is_free,
    server_env,
    wait_for_port,
)
from tests.config.settings_probe import ROOT

VENV = Path(sys.executable).parent.parent
# As scripts/run starts them.
EARLIER_RUN = """
start_group worker "$ROOT/manage.py qcluster" "$VENV/bin/python" "$ROOT/manage.py" qcluster
conf="$ROOT/config/gunicorn.conf.py"
start_group web "$conf" "$VENV/bin/gunicorn" -c "$conf"
wait
"""


def lib_sh(commands: str) -> list[str]:
    """A bash command line running `commands` with scripts/lib.sh's functions, on this venv."""
    return ["bash", "-c", f'source scripts/lib.sh\nVENV="{VENV}"\n{commands}']


def run(command: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (fixed commands of this test)
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def group(pgid: int) -> list[int]:
    return [int(pid) for pid in run(["pgrep", "-g", str(pgid)]).stdout.split()]


def recorded(run_dir: Path) -> dict[str, int]:
    return {path.stem: int(path.read_text().split()[0]) for path in sorted(run_dir.glob("*.pgid"))}


def wait_until(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def kill_groups(*pgids: int) -> None:
    for pgid in pgids:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)


@pytest.fixture
def run_env(tmp_path):
    """The environment of scripts/run (its database made only where needed), port, run dir."""
    database = tmp_path / "never-created.sqlite3"
    port = free_port()
    env = server_env(
        database,
        RUN_DIR=str(tmp_path / "run"),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_WORKERS="2",
    )
    return env, port, tmp_path / "run"


def test_stop_stale_stops_what_a_hard_killed_run_left(run_env):
    env, port, run_dir = run_env
    env["DATABASE_URL"] = f"sqlite:///{migrated_database(run_dir.parent)}"
    earlier = subprocess.Popen(lib_sh(EARLIER_RUN), cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    groups = {}
    try:
        wait_for_port(port, earlier)
        groups = recorded(run_dir)
        wait_until(lambda: len(group(groups["worker"])) >= 4)  # sentinel, monitor, pusher, ...

        for pid in (earlier.pid, groups["web"], groups["worker"]):
            os.kill(pid, signal.SIGKILL)
        earlier.wait()
        time.sleep(0.5)
        assert group(groups["worker"]), "the cluster's children outlive it"

        stopped = run(lib_sh("stop_stale"), env)

        assert stopped.returncode == 0, stopped.stderr
        assert "stopping worker" in stopped.stdout
        assert group(groups["web"]) == []
        assert group(groups["worker"]) == []
        assert port_is_free(port)
        assert recorded(run_dir) == {}
    finally:
        kill_groups(earlier.pid, *groups.values())


def test_a_recorded_group_that_runs_something_else_is_left_alone(run_env):
    env, _port, run_dir = run_env
    stranger = subprocess.Popen(["sleep", "60"], start_new_session=True)  # noqa: S607
    try:
        run_dir.mkdir()
        (run_dir / "web.pgid").write_text(f"{stranger.pid} {ROOT}/config/gunicorn.conf.py\n")

        stopped = run(lib_sh("stop_stale"), env)

        assert stopped.returncode == 0
        assert stranger.poll() is None
        assert recorded(run_dir) == {}
    finally:
        stranger.kill()
        stranger.wait()


def test_port_free_sees_a_port_taken_by_another_program(run_env):
    env, port, _run_dir = run_env
    check = lib_sh(f"port_free 127.0.0.1 {port}")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()

        assert run(check, env).returncode != 0

    assert run(check, env).returncode == 0
