"""Fixtures for outgoing HTTP (a plugin loaded by tests/conftest.py, for every test folder): a local
receiver, a fake DNS, and a tripwire on connections.

This workplace forbids traffic to any host but 127.0.0.1, and a DNS query for a made-up name would
leave the machine. So here no name but `localhost` resolves (`local_names_only`, for every test):
a callback queued to `https://example.com/...` fails its attempt with "cannot resolve" instead of
asking a DNS server. Tests that deal in host names give them answers through `fake_dns`; tests of
refused addresses run under `no_connections`, which fails the test on any connection attempt.
"""

import ipaddress
import socket

import pytest

from tests.receivers import CallbackReceiver

_real_getaddrinfo = socket.getaddrinfo
LOCAL_NAMES = {"localhost", "localhost.", "ip6-localhost"}


def _is_ip_literal(host) -> bool:
    try:
        ipaddress.ip_address(host.decode() if isinstance(host, bytes) else host)
    except (ValueError, AttributeError):
        return False
    return True


@pytest.fixture(autouse=True)
def local_names_only(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        if host is None or _is_ip_literal(host) or host in LOCAL_NAMES:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, f"tests resolve no name but localhost: {host}")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def receiver():
    with CallbackReceiver() as running:
        yield running


@pytest.fixture
def no_connections(monkeypatch):
    """Any TCP connection attempt fails the test; the list of attempts stays empty otherwise."""
    attempts = []

    def tripwire(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"a connection was attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", tripwire)
    monkeypatch.setattr(socket.socket, "connect_ex", tripwire)
    monkeypatch.setattr(socket, "create_connection", tripwire)
    return attempts


class FakeDNS:
    """name -> list of answers, one per lookup (the last repeats); IP literals resolve as
    themselves; any other name is an error, never a real query."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def add(self, name: str, *answers: list[str]) -> None:
        self.answers[name] = list(answers)

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        if _is_ip_literal(host):
            return _real_getaddrinfo(host, port, family, type, proto, flags)
        self.lookups.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        queue = self.answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [_addrinfo(address, port) for address in addresses]


def _addrinfo(address: str, port: int) -> tuple:
    if ":" in address:
        return (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))


@pytest.fixture
def fake_dns(monkeypatch) -> FakeDNS:
    dns = FakeDNS()
    monkeypatch.setattr(socket, "getaddrinfo", dns.getaddrinfo)
    return dns
