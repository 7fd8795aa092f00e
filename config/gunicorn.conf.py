"""gunicorn's settings, for scripts/run and for production (README, "Deployment behind a proxy").
Start: `gunicorn -c config/gunicorn.conf.py`; every value below comes from the environment.

Threaded workers (gthread): a request that waits on a slow client holds one thread, not a whole
process, so a few clients trickling their request bodies leave the other threads serving. A client
that goes silent in the middle of a request for WEB_CLIENT_TIMEOUT seconds loses its connection.
Many slow clients at once can still take every thread: in production a buffering reverse proxy
(nginx reads whole request bodies before it passes a request on) stands in front.
"""

import os


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


_behind_proxy = os.environ.get("BEHIND_PROXY", "").strip().lower() in {"1", "true", "yes", "on"}

wsgi_app = "config.wsgi:application"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
worker_class = "gthread"
workers = _env_int("WEB_WORKERS", 2)
threads = _env_int("WEB_THREADS", 8)
# A worker whose main loop is silent this long is restarted (gthread: not a per-request limit).
timeout = _env_int("WEB_TIMEOUT", 30)
graceful_timeout = _env_int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("WEB_KEEPALIVE", 5)
_client_timeout = _env_int("WEB_CLIENT_TIMEOUT", 30)

# One line per request comes from config.request_log (with the request id, credentials
# redacted); gunicorn's access log would repeat it with the raw query string, tokens included.
accesslog = None
errorlog = "-"

# X-Forwarded-Proto decides whether a request came over HTTPS, so only a proxy may send it: with
# BEHIND_PROXY, from FORWARDED_ALLOW_IPS (gunicorn's default: 127.0.0.1,::1); otherwise never.
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"} if _behind_proxy else {}


def pre_request(worker, req) -> None:
    """Bounds each read of the request body (and each write of the answer) on this connection:
    without it, a client that stops sending holds its thread forever."""
    sock = getattr(req.unreader, "sock", None)
    if sock is not None and _client_timeout > 0:
        sock.settimeout(_client_timeout)
