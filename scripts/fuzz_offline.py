"""gunicorn configuration for the API fuzz run (scripts/fuzz): the production configuration
(config/gunicorn.conf.py), with a server that may resolve no host name but localhost.

Schemathesis registers push notification channels with made-up callback URLs; the API resolves
their host names to refuse private networks (scheduling/outbound.py). On these machines a DNS
query would leave the host, so the fuzzed server answers every other name as unknown, which the
API reports as a 422, as it would for a name that does not exist. Loaded by the gunicorn master
before it forks, so every worker inherits it.
"""

import runpy
import socket
from pathlib import Path

globals().update(
    {
        name: value
        for name, value in runpy.run_path(
            str(Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py")
        ).items()
        if not name.startswith("__")
    }
)

_getaddrinfo = socket.getaddrinfo
_LOCAL = {"localhost", "localhost.", "127.0.0.1", "::1"}


def _local_only(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or name in _LOCAL:
        return _getaddrinfo(host, *args, **kwargs)
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in name else socket.AF_INET, name)
    except (OSError, ValueError):
        raise socket.gaierror(socket.EAI_NONAME, "the fuzz server resolves no names") from None
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _local_only
