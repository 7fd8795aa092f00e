"""A real Radicale CalDAV server on 127.0.0.1, for tests and bench/ (no pytest needed).

    with RadicaleServer() as server:
        server.add_user("alice", "secret")
        client = caldav.DAVClient(url=server.url, username="alice", password="secret")

Users live in a plain-text htpasswd file, so a wrong password is refused (401); `delay = 0`
drops Radicale's pause after a failed login (about a second otherwise). Radicale reads the file at
every login, so users can be added while it runs. Rights are `owner_only`: a user reaches only
their own collections. The server runs with the same interpreter as the caller.

`max_report_events` is Radicale's cap on the VEVENTs of one REPORT answer (its
`max_expand_occurrence`, 10,000 by default; a larger answer is a 400): a small one shows what a
client does with a large calendar.
"""

import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Self

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class RadicaleServer:
    """One Radicale process with its own config, users and storage in a temporary folder."""

    def __init__(
        self,
        *,
        port: int | None = None,
        startup_timeout: float = 15.0,
        max_report_events: int = 10_000,
    ) -> None:
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self.max_report_events = max_report_events
        self.folder = Path(tempfile.mkdtemp(prefix="radicale-"))
        self.users: dict[str, str] = {}
        self.process: subprocess.Popen | None = None
        self._write_users()
        self.config_path.write_text(self._config())

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def config_path(self) -> Path:
        return self.folder / "config"

    @property
    def users_path(self) -> Path:
        return self.folder / "users"

    @property
    def storage_path(self) -> Path:
        return self.folder / "collections"

    def _config(self) -> str:
        return textwrap.dedent(
            f"""\
            [server]
            hosts = {HOST}:{self.port}
            [auth]
            type = htpasswd
            htpasswd_filename = {self.users_path}
            htpasswd_encryption = plain
            delay = 0
            [rights]
            type = owner_only
            [storage]
            filesystem_folder = {self.storage_path}
            use_mtime_and_size_for_item_cache = True
            [reporting]
            max_expand_occurrence = {self.max_report_events}
            [logging]
            level = warning
            mask_passwords = True
            """
        )

    def add_user(self, name: str, password: str) -> None:
        """Add (or change) a user; works before and after `start`."""
        if ":" in name or "\n" in name + password:
            raise ValueError("a user name has no ':' and neither part a newline")
        self.users[name] = password
        self._write_users()

    def _write_users(self) -> None:
        lines = "".join(f"{name}:{password}\n" for name, password in self.users.items())
        temporary = self.users_path.with_suffix(".tmp")
        temporary.write_text(lines)
        temporary.replace(self.users_path)  # atomic: a login never reads half a file

    def write_items(self, calendar_href: str, items: dict[str, str]) -> None:
        """Put objects straight into a calendar's storage folder ({file name: iCalendar text}),
        for seeding a large calendar fast (10,000 PUTs take minutes). The calendar must exist
        (create it through CalDAV); Radicale notices the files at the next request."""
        folder = self.storage_path / "collection-root" / calendar_href.strip("/")
        if not folder.is_dir():
            raise FileNotFoundError(f"no calendar at {calendar_href}")
        for name, text in items.items():
            if "/" in name or not name.endswith(".ics"):
                raise ValueError(f"an item's file name is a plain *.ics name: {name!r}")
            (folder / name).write_text(text)

    def start(self) -> Self:
        if self.process is not None:
            return self
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and config)
            [sys.executable, "-m", "radicale", "--config", str(self.config_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_answering()
        return self

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace")
                raise RuntimeError(f"Radicale exited with {self.process.returncode}: {error}")
            try:
                with urllib.request.urlopen(self.url + ".web/", timeout=1):  # noqa: S310
                    return
            except urllib.error.HTTPError:
                return  # any HTTP answer means it is serving
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Radicale did not answer on {self.url} within {self.startup_timeout} s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process.stderr.close()
            self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
