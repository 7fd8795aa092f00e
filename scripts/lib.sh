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
