"""Read settings as a fresh process would under a given environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, sys, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}))"
)


def settings_under(env: dict[str, str], *names: str, drop: tuple[str, ...] = ()) -> dict:
    """The named settings of `config.settings` with `env` set and variables starting with
    `drop` (plus DEBUG) removed from this process's environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith((*drop, "DEBUG"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, **env}
    out = subprocess.run(  # noqa: S603 (our interpreter, fixed arguments)
        [sys.executable, "-c", PROBE, *names], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
