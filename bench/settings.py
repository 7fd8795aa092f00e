"""Settings of the benchmarks' own servers: the project's, with static files collected into the
run's temporary directory (BENCH_STATIC_ROOT) instead of the working tree's `staticfiles/`, where
a collected copy would make every later gunicorn start index it (WhiteNoise), tests included."""

import os
from pathlib import Path

from config.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
