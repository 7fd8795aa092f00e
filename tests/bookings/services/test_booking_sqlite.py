"""SQLite is correct under concurrent confirms by design, not by luck: its transactions are
IMMEDIATE (config/settings.py), so the booking holds the write lock before it re-checks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite test")
def test_concurrent_confirms_on_a_sqlite_file_book_once(tmp_path):
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.bookings.sqlite_race", str(tmp_path / "race.sqlite3")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"outcomes": ["booked"] + ["taken"] * 7, "claims": 1}
