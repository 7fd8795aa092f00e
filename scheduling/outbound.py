"""Outgoing HTTP to integrators' URLs, which must never reach the platform's own network.

An integrator chooses the callback URL. Without a guard, `http://169.254.169.254/...` (a cloud
metadata service), `http://10.0.0.5:5432/` or a name that resolves to 127.0.0.1 would make the
platform send requests inside its own network on an outsider's behalf (server-side request
forgery). So every address a callback host resolves to must be public: not loopback, link-local,
private, reserved, multicast or unspecified, IPv4 or IPv6, including IPv4 addresses embedded in
IPv6 ones (::ffff:10.0.0.1). The networks in the setting CALLBACK_ALLOWED_NETWORKS (CIDRs, empty
by default) are exempt; tests and the demo allow 127.0.0.0/8 to reach local receivers.

The check runs when the connection is made, on the addresses the connection then uses: the
connection classes below resolve the host once, check every address and connect to a checked
address, while the Host header and TLS SNI keep the name. A DNS answer that changes between a
check and the connection (DNS rebinding) therefore changes nothing. `callback_url_problem` runs
the same check early, so that an API can refuse a bad URL when it is registered.
"""

import ipaddress
import socket
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util import connection as urllib3_connection

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_URL_LENGTH = 2000
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_KINDS = [
    ("unspecified", "is_unspecified"),
    ("loopback", "is_loopback"),
    ("link-local", "is_link_local"),
    ("multicast", "is_multicast"),
    ("reserved", "is_reserved"),
    ("private", "is_private"),
]


class AddressRefused(Exception):
    """The host resolves to an address outside the public internet (and outside
    CALLBACK_ALLOWED_NETWORKS): no connection is made."""


class _RefusedConnection(NewConnectionError):
    """AddressRefused as urllib3 passes it on (its cause is the AddressRefused)."""


def allowed_networks() -> list[IPNetwork]:
    return [ipaddress.ip_network(net, strict=False) for net in settings.CALLBACK_ALLOWED_NETWORKS]


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address leads to: mapped, 6to4, Teredo, NAT64."""
    if address.version == 4:
        return []
    found = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [embedded for embedded in found if embedded is not None]


def address_problem(address: IPAddress, allowed: Iterable[IPNetwork]) -> str | None:
    """Why the platform must not connect to `address`, or None when it may."""
    allowed = list(allowed)
    if any(address.version == net.version and address in net for net in allowed):
        return None
    for embedded in _embedded_ipv4(address):
        if problem := address_problem(embedded, allowed):
            return f"{address} embeds {embedded}: {problem}"
    if _embedded_ipv4(address):
        return None
    for kind, flag in _KINDS:
        if getattr(address, flag):
            return f"{address} is a {kind} address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to for a TCP connection, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def checked_addresses(host: str, port: int) -> list[IPAddress]:
    """`host`'s addresses, all of them allowed; AddressRefused if any is not (a name that
    resolves to a public and a private address is refused: the client may pick either)."""
    addresses = resolve(host, port)
    allowed = allowed_networks()
    for address in addresses:
        if problem := address_problem(address, allowed):
            raise AddressRefused(
                f"refused {host}: {problem}, outside CALLBACK_ALLOWED_NETWORKS; nothing was sent"
            )
    return addresses


def url_shape_problem(url: str) -> str | None:
    """What is wrong with `url` without looking anything up: scheme, host, port, length."""
    if len(url) > MAX_URL_LENGTH:
        return f"The URL is longer than {MAX_URL_LENGTH} characters."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return "The URL is not valid."
    if parts.scheme.lower() not in ("http", "https"):
        return "The URL must start with http:// or https://."
    if not parts.hostname:
        return "The URL has no host."
    return None


def callback_url_problem(url: str) -> str | None:
    """Why the platform would refuse to send to `url` (a sentence for an API error), or None.

    Resolves the host, so a name that points into a private network is refused at registration
    too; delivery checks again, on the addresses it connects to.
    """
    if problem := url_shape_problem(url):
        return problem
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        checked_addresses(parts.hostname, port)
    except socket.gaierror:
        return f"The host {parts.hostname} cannot be resolved."
    except AddressRefused:
        return f"The host {parts.hostname} is in a private or reserved network."
    return None


class _GuardedConnectionMixin:
    """Resolve, check, then connect to a checked address; the Host header and SNI keep the name
    (urllib3 takes both from `self.host`, which is untouched)."""

    def _new_conn(self) -> socket.socket:
        try:
            addresses = checked_addresses(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        except AddressRefused as exc:
            raise _RefusedConnection(self, str(exc)) from exc
        error: OSError | None = None
        for address in addresses:
            try:
                sock = urllib3_connection.create_connection(
                    (str(address), self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except OSError as exc:
                error = exc
            else:
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
        if isinstance(error, TimeoutError):
            message = f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            raise ConnectTimeoutError(self, message) from error
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


@dataclass(frozen=True)
class OutboundResponse:
    status: int
    location: str  # the Location header of a redirect (never followed), else ""
    excerpt: str  # the start of the response body, for the admin


class OutboundError(Exception):
    """No HTTP response: refused address, unresolvable host, no connection, timeout, TLS."""


def _describe(exc: HTTPError, connect_timeout: float, read_timeout: float) -> str:
    cause = exc.__cause__
    if isinstance(exc, _RefusedConnection):
        return str(cause)
    if isinstance(exc, NameResolutionError):
        return f"cannot resolve the host: {cause}"
    if isinstance(exc, ConnectTimeoutError) and not isinstance(exc, NewConnectionError):
        return f"no connection within {connect_timeout:g} s"
    if isinstance(exc, ReadTimeoutError):
        return f"no response within {read_timeout:g} s"
    if isinstance(exc, NewConnectionError):
        return f"cannot connect: {cause or exc}"
    if isinstance(exc, SSLError):
        return f"TLS error: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _guarded_pools() -> urllib3.PoolManager:
    # urllib3 directly rather than requests: no proxy from the environment, no retries, no
    # redirects, and the guarded connection classes for both schemes.
    pools = urllib3.PoolManager(num_pools=1, maxsize=1)
    pools.pool_classes_by_scheme = {
        "http": GuardedHTTPConnectionPool,
        "https": GuardedHTTPSConnectionPool,
    }
    return pools


def post(
    url: str,
    *,
    body: bytes,
    headers: Mapping[str, str],
    connect_timeout: float,
    read_timeout: float,
    excerpt_bytes: int = 300,
) -> OutboundResponse:
    """POST `body` to `url` through the guard, following no redirect and retrying nothing (the
    outbox decides about retries). Raises OutboundError when no response came back."""
    if problem := url_shape_problem(url):
        raise OutboundError(problem)
    with _guarded_pools() as pools:
        try:
            response = pools.request(
                "POST",
                url,
                body=body,
                headers=dict(headers),
                timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
                redirect=False,
                retries=False,
                preload_content=False,
            )
        except HTTPError as exc:
            raise OutboundError(_describe(exc, connect_timeout, read_timeout)) from exc
        try:
            return OutboundResponse(
                status=response.status,
                location=response.headers.get("Location", ""),
                excerpt=_excerpt(response, excerpt_bytes),
            )
        finally:
            response.release_conn()


def _excerpt(response: urllib3.BaseHTTPResponse, size: int) -> str:
    """The start of the body, best effort: the status already decided the outcome."""
    try:
        return response.read(size, decode_content=False).decode("utf-8", errors="replace")
    except (HTTPError, OSError):
        return ""
