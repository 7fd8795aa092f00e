"""The engine is pure Python: importing it must not pull in Django."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_engine_does_not_import_django():
    script = (
        "import sys\n"
        "import scheduling.engine\n"
        "from scheduling.engine import availability, sequenced_availability\n"
        "assert not any(name == 'django' or name.startswith('django.') for name in sys.modules)\n"
        "print('clean')\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "clean"


def test_importing_the_booking_engine_does_not_import_django():
    script = (
        "import sys\n"
        "from bookings.engine import constraints, graphs, seats\n"
        "assert not any(name == 'django' or name.startswith('django.') for name in sys.modules)\n"
        "print('clean')\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "clean"
