# Shared set-up steps for scripts/run and scripts/test. Sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Django 6 needs Python >= 3.12; the machine's default python3 may be older (Debian 12: 3.11).
# Tries versioned interpreters on PATH, then pyenv's and uv's installs, newest first.
python_ok() {
    "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null
}

find_python() {
    local candidates=() c
    for minor in 20 19 18 17 16 15 14 13 12; do
        candidates+=("python3.$minor")
    done
    local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    command -v pyenv >/dev/null 2>&1 && pyenv_root="$(pyenv root)"
    while IFS= read -r c; do candidates+=("$c"); done < <(
        ls -d "$pyenv_root"/versions/3.*/bin/python3 "$HOME"/.local/share/uv/python/*/bin/python3 \
            2>/dev/null | sort -rV
    )
    candidates+=(python3)
    for c in "${candidates[@]}"; do
        if { command -v "$c" >/dev/null 2>&1 || [ -x "$c" ]; } && python_ok "$c"; then
            echo "$c"
            return 0
        fi
    done
    echo "error: Python >= 3.12 is required (Django 6); install python3.12 or newer" >&2
    return 1
}

ensure_venv() {
    local extras="$1"
    local stamp="$VENV/.installed-$extras"
    if [ -x "$VENV/bin/python" ] && ! python_ok "$VENV/bin/python"; then
        say "the existing virtualenv is older than Python 3.12 or broken: recreating it"
        rm -rf "$VENV"
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        local py
        py="$(find_python)"
        say "creating virtualenv with $("$py" --version)"
        "$py" -m venv "$VENV"
    fi
    # Reinstall only when pyproject.toml changed since the last install.
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
        say "installing dependencies ($extras)"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        # caldav pulls in urllib3-future, whose wheel replaces urllib3 at every interpreter start
        # (breaking requests-based tools such as the schemathesis CLI); built from source with
        # URLLIB3_NO_OVERRIDE set, it installs beside urllib3 instead.
        export URLLIB3_NO_OVERRIDE=1 PIP_NO_BINARY=urllib3-future
        if [ "$extras" = "base" ]; then
            "$VENV/bin/python" -m pip install --quiet -e "$ROOT"
        else
            "$VENV/bin/python" -m pip install --quiet -e "$ROOT[$extras]"
        fi
        touch "$stamp"
    fi
}

# Debian packages some steps need (chromium for browser tests). Installs only what is missing.
ensure_apt() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The published JavaScript clients the browser tests drive (package.json, pinned exactly in
# package-lock.json) into node_modules/. `npm ci` installs exactly the lock, and runs only when
# package.json or package-lock.json changed since the last install; no package's install scripts.
ensure_npm() {
    command -v npm >/dev/null 2>&1 || ensure_apt nodejs npm
    local stamp="$ROOT/node_modules/.installed-from-lock"
    if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ] ||
        [ "$ROOT/package.json" -nt "$stamp" ]; then
        say "installing npm packages (package-lock.json)"
        (cd "$ROOT" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
        touch "$stamp"
    fi
}

# A local secret key for this checkout, kept out of git (.env is ignored).
ensure_env_file() {
    if [ ! -f "$ROOT/.env" ]; then
        local key
        key="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
        (umask 077 && printf 'SECRET_KEY=%s\n' "$key" >"$ROOT/.env")
    fi
    chmod 600 "$ROOT/.env"
    set -a
    # shellcheck disable=SC1091
    . "$ROOT/.env"
    set +a
}

# --- Processes of scripts/run, and what an earlier run left behind ---
# Each long-running process starts as the leader of its own process group (setsid), recorded as
# "PGID COMMAND-MARKER" in $RUN_DIR/NAME.pgid. Killing the script or a gunicorn master or qcluster
# with -9 leaves their workers running, holding the port and the queue; the next run stops those
# groups first. A group is stopped only while one of its processes still runs a command holding
# the marker, so a recycled process id never takes an unrelated process down.
RUN_DIR="${RUN_DIR:-$ROOT/var/run}"

start_group() {  # start_group NAME MARKER COMMAND...: in the background; $! is the group id
    local name="$1" marker="$2"
    shift 2
    mkdir -p "$RUN_DIR"
    setsid "$@" &
    printf '%s %s\n' "$!" "$marker" >"$RUN_DIR/$name.pgid"
}

group_runs() {  # group_runs PGID MARKER: does a process of the group run a command with MARKER?
    local pid
    for pid in $(pgrep -g "$1" 2>/dev/null); do
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" && return 0
    done
    return 1
}

stop_groups() {  # stop_groups PGID...: TERM to every process of the groups, KILL after 10 s
    local pgid alive
    for pgid in "$@"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
    for _ in $(seq 20); do
        alive=""
        for pgid in "$@"; do pgrep -g "$pgid" >/dev/null 2>&1 && alive=1; done
        [ -z "$alive" ] && return 0
        sleep 0.5
    done
    for pgid in "$@"; do kill -KILL -- "-$pgid" 2>/dev/null || true; done
}

stop_stale() {  # stops what an earlier run recorded in $RUN_DIR and still runs
    local file pgid marker
    for file in "$RUN_DIR"/*.pgid; do
        [ -f "$file" ] || continue
        read -r pgid marker <"$file" || true
        if [ -n "$pgid" ] && [ -n "$marker" ] && group_runs "$pgid" "$marker"; then
            say "stopping $(basename "$file" .pgid) (process group $pgid) left running by an earlier run"
            stop_groups "$pgid"
        fi
        rm -f "$file"
    done
}

port_free() {  # port_free HOST PORT: can a server bind there (as gunicorn does, SO_REUSEADDR)?
    "$VENV/bin/python" - "$1" "$2" <<'PYEOF' 2>/dev/null
import socket, sys
sock = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind((sys.argv[1], int(sys.argv[2])))
PYEOF
}
