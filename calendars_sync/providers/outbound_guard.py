"""The network guard for users' CalDAV and ICS URLs (server-side request forgery).

A person or an integrator types the server or feed URL, so without a guard the sync would fetch
`http://169.254.169.254/...` or `http://10.0.0.5/` from inside the platform's network and store the
answer as events. The rule is the callback guard's (scheduling/outbound.py): every address the host
resolves to must be public unless it is in CALLBACK_ALLOWED_NETWORKS, and the check runs on the
addresses the connection then uses, so a DNS answer that changes between check and connection
(rebinding) and a redirect to a private address are refused too:
- `requests` (ICS) gets outbound.py's guarded connection pools through `guarded_requests_session`;
- `caldav` talks through niquests, which resolves names through a resolver object: `GuardedResolver`
  checks every answer before niquests connects (`guarded_niquests_session`).
`url_problem` is the early check for connect forms and APIs.
"""

import ipaddress
from typing import Any

import niquests
import requests
from requests.adapters import HTTPAdapter
from urllib3_future.contrib.resolver.system import SystemResolver

from scheduling import outbound

MAX_REDIRECTS = 5


class GuardRefused(outbound.AddressRefused, OSError):
    """A connection to a non-public address was refused (an OSError, so HTTP libraries treat it
    as a failed connection and nothing is sent)."""


def web_url(url: str) -> str:
    """`webcal://` (and `webcals://`), the feed scheme calendar apps hand out, as https."""
    scheme, separator, rest = url.strip().partition("://")
    if separator and scheme.lower() in ("webcal", "webcals"):
        return f"https://{rest}"
    return url.strip()


def url_problem(url: str) -> str | None:
    """Why a CalDAV server or ICS feed URL cannot be used (a sentence for a form or API error),
    or None. Resolves the host: a name pointing into a private network is refused here, and
    again on every connection."""
    return outbound.callback_url_problem(web_url(url))


def refusal_in(exc: BaseException) -> GuardRefused | None:
    """The guard's refusal behind an HTTP library's error, if that is what it was."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, outbound.AddressRefused):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__ or _wrapped(current)
    return None


def _wrapped(exc: BaseException) -> BaseException | None:
    reason = getattr(exc, "reason", None)  # urllib3 MaxRetryError keeps the cause here
    return reason if isinstance(reason, BaseException) else None


class GuardedResolver(SystemResolver):
    """The system resolver, refusing answers outside the public internet and the allowed
    networks. urllib3-future connects only to the addresses this returns."""

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list:
        records = super().getaddrinfo(host, port, *args, **kwargs)
        allowed = outbound.allowed_networks()
        for *_, sockaddr in records:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
            if problem := outbound.address_problem(address, allowed):
                raise GuardRefused(
                    f"refused {host!r}: {problem}, outside CALLBACK_ALLOWED_NETWORKS"
                )
        return records


def guarded_niquests_session() -> niquests.Session:
    """A niquests session (caldav's HTTP library) that connects to allowed addresses only and
    reads no proxy or .netrc from the environment."""
    session = niquests.Session(resolver=GuardedResolver())
    session.trust_env = False
    session.max_redirects = MAX_REDIRECTS
    return session


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": outbound.GuardedHTTPConnectionPool,
            "https": outbound.GuardedHTTPSConnectionPool,
        }


def guarded_requests_session() -> requests.Session:
    """A requests session whose connections go through scheduling/outbound.py's guarded pools,
    with no proxy or .netrc from the environment and a few redirects at most."""
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = MAX_REDIRECTS
    adapter = _GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
