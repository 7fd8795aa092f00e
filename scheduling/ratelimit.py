"""Limits on failed credentials, counted in Django's cache so that every worker process agrees.

Only failures count: a caller whose credentials work is never counted, however busy. A check
asks before the credentials are looked at (`attempt_lockout`); a failure is counted after
(`attempt_failure_record`). Three kinds of check each have a Guard naming the scopes they count
in (settings.RATE_LIMITS gives each scope its failures and window):
- API_CREDENTIALS (access tokens, API keys): per client address.
- CLIENT_CREDENTIALS (client_id + client_secret): per address, per client_id and address, and
  per client_id.
- PASSWORDS (allauth's sign-in and the admin's, which check the same passwords): per address,
  per login and address, and per login.

A locked-out sign-in must not become a way to lock a person out from anywhere, so the per-login
limit alone never refuses: past it, only addresses that have failed for that login recently
(within the per-login-and-address window) are refused. The person at their usual place still
signs in; each address of a distributed guesser gets at most one try per window. An attacker's
own address is refused once it reaches its per-address or per-login-and-address limit.

Windows are fixed: a window of W seconds starts at each multiple of W since the epoch, and its
count lives under a key that names the window, so no count depends on the cache's expiry (Redis
and the database agree, and a test moves the clock instead of sleeping). A client may spend up
to twice a limit across a window boundary, and the check comes before the count, so requests
served at the same moment may overshoot a limit by as many as are served at once.

If the cache is unreachable the limits are not enforced (logged): a Redis outage must not take
the API down with it. Keys carry digests, never the login or address itself.
"""

import datetime as dt
import hashlib
import ipaddress
import logging
from dataclasses import dataclass

import redis.exceptions
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

logger = logging.getLogger(__name__)

CACHE_ERRORS = (DatabaseError, redis.exceptions.RedisError, OSError)
# An IPv6 client usually holds a whole /64: counting single addresses would let it rotate freely.
IPV6_PREFIX = 64


@dataclass(frozen=True)
class Guard:
    """The scopes one kind of credential check counts its failures in."""

    ip_scope: str
    pair_scope: str | None = None  # (identity, address)
    identity_scope: str | None = None


API_CREDENTIALS = Guard("api_ip")
CLIENT_CREDENTIALS = Guard("client_ip", "client_id_ip", "client_id")
PASSWORDS = Guard("signin_ip", "signin_account_ip", "signin_account")


@dataclass(frozen=True)
class Lockout:
    scope: str
    retry_after: int  # seconds until the window that holds the failures ends

    @property
    def description(self) -> str:
        return f"Too many failed attempts; try again in {self.retry_after} seconds."


@dataclass(frozen=True)
class _Window:
    failures: int
    seconds: int
    index: int
    left: int  # seconds until it ends


def _window(scope: str, now: dt.datetime) -> _Window | None:
    """The current window of `scope`, None when the scope is off (0 failures)."""
    failures, seconds = settings.RATE_LIMITS[scope]
    if failures <= 0:
        return None
    elapsed = int(now.timestamp())
    index = elapsed // seconds
    return _Window(failures, seconds, index, (index + 1) * seconds - elapsed)


def _cache_key(scope: str, key: str, window: _Window) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"ratelimit:{scope}:{window.index}:{digest}"


def lockout_for(
    *, scope: str, key: str, now: dt.datetime, failures: int | None = None
) -> Lockout | None:
    """A Lockout when `key` has `failures` (by default the scope's limit) or more failures in the
    current window of `scope`."""
    window = _window(scope, now)
    if window is None:
        return None
    try:
        counted = cache.get(_cache_key(scope, key, window), 0)
    except CACHE_ERRORS:
        logger.warning("rate limits unenforced: the cache is unreachable", exc_info=True)
        return None
    if counted < (failures or window.failures):
        return None
    return Lockout(scope, window.left)


def failure_record(*, scope: str, key: str, now: dt.datetime) -> None:
    """Count one failure of `key` in the current window of `scope`."""
    window = _window(scope, now)
    if window is None:
        return
    cache_key = _cache_key(scope, key, window)
    timeout = window.left + 1
    try:
        if not cache.add(cache_key, 1, timeout):
            try:
                cache.incr(cache_key)
            except ValueError:  # expired between add and incr: this is its first failure
                cache.set(cache_key, 1, timeout)
    except CACHE_ERRORS:
        logger.warning("failure not counted: the cache is unreachable", exc_info=True)


def _pair(identity: str, ip: str) -> str:
    return f"{identity}\n{ip}"


def attempt_lockout(
    *, guard: Guard, ip: str, identity: str = "", now: dt.datetime
) -> Lockout | None:
    """Whether a credential check for `identity` (a client_id, a login; may be empty) from `ip`
    is refused before it is made."""
    locked = lockout_for(scope=guard.ip_scope, key=ip, now=now)
    if locked or not identity or guard.pair_scope is None or guard.identity_scope is None:
        return locked
    pair = _pair(identity, ip)
    locked = lockout_for(scope=guard.pair_scope, key=pair, now=now)
    if locked:
        return locked
    identity_locked = lockout_for(scope=guard.identity_scope, key=identity, now=now)
    if identity_locked is None:
        return None
    # Past the identity's own limit, only addresses that failed for it recently are refused;
    # they may try again when either window ends.
    failed_here = lockout_for(scope=guard.pair_scope, key=pair, now=now, failures=1)
    if failed_here is None:
        return None
    return Lockout(identity_locked.scope, min(identity_locked.retry_after, failed_here.retry_after))


def attempt_failure_record(*, guard: Guard, ip: str, identity: str = "", now: dt.datetime) -> None:
    """Count a failed credential check in every scope of `guard`."""
    failure_record(scope=guard.ip_scope, key=ip, now=now)
    if identity and guard.pair_scope is not None and guard.identity_scope is not None:
        failure_record(scope=guard.pair_scope, key=_pair(identity, ip), now=now)
        failure_record(scope=guard.identity_scope, key=identity, now=now)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with settings.BEHIND_PROXY the last address of
    X-Forwarded-For, the one the proxy appended (earlier ones come from the client and prove
    nothing). Request logs show it; rate limits count by `client_ip`."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        address = forwarded or address
    return address


def client_ip(request) -> str:
    """The address failures are counted against: `client_address`, with IPv6 addresses counted
    by their /64 network (one host usually holds a whole /64)."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)
