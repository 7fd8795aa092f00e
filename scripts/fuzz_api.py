"""Schemathesis over the OpenAPI schema against the live server on PostgreSQL (see scripts/fuzz).

Creates a fresh database, migrates it, loads the demo data (an application and accounts with
their credentials), starts gunicorn on a free 127.0.0.1 port, and runs schemathesis (every
operation, all its checks, every phase including the stateful one) with an account's access token
and with the application's API key, and the operations Cronofy's UI Elements call with an element
token (`?et=`, every permission, the demo accounts as subs). Exits non-zero on any failure.
"""

import base64
import json
import os
import secrets
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def fresh_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    command = [PYTHON, str(ROOT / "manage.py"), *args]
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/schema/", timeout=2)  # noqa: S310 (127.0.0.1)
        except urllib.error.HTTPError:
            return  # it answers (401 without credentials)
        except OSError:
            time.sleep(0.3)
        else:
            return
    raise TimeoutError(f"the server at {base} did not answer within {timeout} s")


CONFIG = ROOT / "config/schemathesis.toml"
# The operations that take an element token (the schema's `elementToken` security).
ELEMENT_PATHS = r"^/v1/(availability|sequenced_availability|availability_rules|events|userinfo)"


def api_call(base: str, path: str, api_key: str, body: dict | None = None) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (our own server on 127.0.0.1)
        f"{base}{path}",
        data=data,
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.read()


def element_run_setup(
    base: str, api_key: str, subs: list[str], env: dict, folder: Path
) -> list[str]:
    """The element token run's schemathesis arguments: the schema saved to a file (fetching it
    takes the API's credentials, which that run does not send), and a config adding the token
    for the `elementToken` scheme (from the environment: FUZZ_ELEMENT_TOKEN, set in `env`)."""
    body = {
        "version": "1",
        "permissions": ["agenda", "availability", "managed_availability", "account_management"],
        "subs": subs,
        "origin": "http://127.0.0.1",
    }
    token = json.loads(api_call(base, "/v1/element_tokens", api_key, body))["element_token"]
    env["FUZZ_ELEMENT_TOKEN"] = token["token"]
    schema = folder / "schema.yaml"
    schema.write_bytes(api_call(base, "/api/schema/", api_key))
    config = folder / "schemathesis-element-token.toml"
    auth = '\n[auth.openapi.elementToken]\napi_key = "${FUZZ_ELEMENT_TOKEN}"\n'
    config.write_text(CONFIG.read_text() + auth)
    # DELETE /v1/events shares a path with them but takes no element token: without it, a 401.
    return [
        str(config),
        str(schema),
        "--url",
        base,
        "--include-path-regex",
        ELEMENT_PATHS,
        "--exclude-name",
        "DELETE /v1/events",
    ]


# /v2 takes only its Basic form of the API key, /setup/v1 only a token from /connect/token: each
# fuzzed by its own run, and by no other.
ONLY_V2 = ["--include-path-regex", "^/v2/"]
ONLY_SETUP = ["--include-path-regex", "^/setup/v1/"]
NOT_V2 = ["--exclude-path-regex", "^/(v2|setup/v1)/"]


def timekit_basic(api_key: str) -> str:
    return "Authorization: Basic " + base64.b64encode(f":{api_key}".encode()).decode()


def timekit_run_args(base: str, api_key: str, folder: Path) -> list[str]:
    """The /v2 run's arguments: the schema saved to a file first (/api/schema/ takes the key as
    a Bearer token, which the run's Basic header would replace)."""
    schema = folder / "schema-v2.yaml"
    schema.write_bytes(api_call(base, "/api/schema/", api_key))
    return [str(CONFIG), str(schema), "--url", base, "-H", timekit_basic(api_key), *ONLY_V2]


def onsched_run_args(base: str, api_key: str, client_id: str, folder: Path) -> list[str]:
    """The /setup/v1 run's arguments: OnSched's Bearer token from the client-credentials grant
    (one hour, longer than a run), and the schema saved first (read with the API key)."""
    schema = folder / "schema-setup.yaml"
    schema.write_bytes(api_call(base, "/api/schema/", api_key))
    form = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": api_key}
    )
    request = urllib.request.Request(f"{base}/connect/token", data=form.encode())  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        token = json.loads(response.read())["access_token"]
    header = f"Authorization: Bearer {token}"
    return [str(CONFIG), str(schema), "--url", base, "-H", header, *ONLY_SETUP]


def fuzz_run(args, examples, seed, log: Path, env) -> tuple[subprocess.Popen, Path]:
    """`args`: the config file, the schema, then options naming the credential."""
    config, schema, *options = args
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        config,
        "run",
        schema,
        *options,
        "--checks",
        "all",
        "--seed",
        seed,
        "--max-examples",
        examples,
        "--workers",
        "2",
        *shlex.split(os.environ.get("FUZZ_ARGS", "")),  # e.g. --include-path /v1/events
    ]
    output = log.open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    return process, log


def main() -> int:
    database_url = os.environ.get("FUZZ_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fuzz")
    examples = os.environ.get("FUZZ_EXAMPLES", "20")
    seed = os.environ.get("FUZZ_SEED", "1")  # fixed in CI: a failure is reproducible
    fresh_database(database_url)
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
        # Schemathesis sends missing and wrong credentials on purpose (its ignored_auth check);
        # counted as failures, they would lock 127.0.0.1 out and turn the rest of the run into
        # 429s. The limits have their own tests (tests/scheduling/test_ratelimit.py).
        "RATE_LIMITS": "api_ip=0/60,client_ip=0/60,client_id_ip=0/60,client_id=0/600",
    }
    manage(env, "migrate", "--noinput", "-v0")
    demo = json.loads(manage(env, "seed_demo", "--json"))
    api_key = demo["application"]["client_secret"]
    subs = [account["sub"] for account in demo["accounts"]]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The server's log (a line per request, thousands of 4xx) goes to a file, not CI's output.
    server_log = Path(tempfile.mkdtemp(prefix="fuzz-")) / "server.log"
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "-c",
            str(ROOT / "scripts/fuzz_offline.py"),
        ],
        env=env | {"HOST": "127.0.0.1", "PORT": str(port)},
        cwd=ROOT,
        stdout=server_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    failed = []
    try:
        wait_until_up(base)
        schema_url = f"{base}/api/schema/"
        bearer = "Authorization: Bearer {}".format
        credentials = {
            "access token": [
                str(CONFIG),
                schema_url,
                "-H",
                bearer(demo["accounts"][0]["access_token"]),
            ],
            "API key": [str(CONFIG), schema_url, "-H", bearer(api_key), *NOT_V2],
            "element token": element_run_setup(base, api_key, subs, env, server_log.parent),
            # /v2 (Timekit's form): the same key as Basic with an empty user name.
            "Timekit API key": timekit_run_args(base, api_key, server_log.parent),
            # /setup/v1 (OnSched's form): a Bearer token from POST /connect/token.
            "OnSched token": onsched_run_args(
                base, api_key, demo["application"]["client_id"], server_log.parent
            ),
        }
        credentials["access token"] += NOT_V2
        # The runs at once (each is mostly one busy core), each into its own file, shown in turn.
        runs = {
            label: fuzz_run(args, examples, seed, server_log.parent / f"{n}.log", env)
            for n, (label, args) in enumerate(credentials.items())
        }
        for label, (process, log) in runs.items():
            code = process.wait()
            print(f"==> schemathesis with the {label} ({examples} examples per operation)")
            print(log.read_text(), flush=True)
            if code != 0:
                failed.append(label)
    finally:
        server.terminate()
        server.wait(20)
    if failed:
        print(f"==> schemathesis failed with: {', '.join(failed)}; server log: {server_log}")
        errors = [line for line in server_log.read_text().splitlines() if '"ERROR"' in line]
        print("\n".join(errors[-20:]), flush=True)
        return 1
    print("==> schemathesis: no failures", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
