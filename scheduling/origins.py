"""Web origins (RFC 6454) as browsers send them in the `Origin` header.

An element token names the one origin whose pages may use it; the API compares that text with the
Origin header of each request, so the stored form must be the browser's: `scheme://host[:port]`,
scheme and host in lower case, no port when it is the scheme's default, nothing after the host.
"""

import ipaddress
import re

MAX_ORIGIN_LENGTH = 300
DEFAULT_PORTS = {"http": 80, "https": 443}
# A DNS name as browsers serialise it: ASCII labels (internationalised names in punycode).
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
SHAPE = "must be an http or https origin, scheme://host[:port], with nothing after the host"


class OriginInvalid(ValueError):
    """The text is not an origin a browser could send; the message says why."""


def _host_valid(host: str) -> bool:
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return host.endswith("]")
    return len(host) <= 253 and all(_LABEL.match(label) for label in host.split("."))


def _host_and_port(netloc: str) -> tuple[str, str | None]:
    """The host (an IPv6 literal keeps its brackets) and the text after its colon, if any."""
    if netloc.startswith("["):
        end = netloc.find("]") + 1
        host, rest = (netloc[:end], netloc[end:]) if end else (netloc, "")
    else:
        host, colon, port = netloc.partition(":")
        rest = colon + port
    if rest and not rest.startswith(":"):
        raise OriginInvalid(SHAPE)
    return host, rest[1:] if rest else None


def origin_normalize(text: str) -> str:
    """`text` as the browser's Origin header would carry it; OriginInvalid when it is no origin."""
    if len(text) > MAX_ORIGIN_LENGTH:
        raise OriginInvalid(f"must be at most {MAX_ORIGIN_LENGTH} characters")
    if not text.isascii() or not text.isprintable() or any(c in text for c in " ?#@%\\"):
        raise OriginInvalid(SHAPE)
    scheme, _, netloc = text.lower().partition("://")
    if scheme not in DEFAULT_PORTS or not netloc or "/" in netloc:
        raise OriginInvalid(SHAPE)
    host, port_text = _host_and_port(netloc)
    if port_text is not None and not (port_text.isdigit() and 0 < int(port_text) <= 65535):
        raise OriginInvalid(SHAPE)
    if not _host_valid(host):
        raise OriginInvalid(SHAPE)
    port = int(port_text) if port_text is not None else DEFAULT_PORTS[scheme]
    return f"{scheme}://{host}" if port == DEFAULT_PORTS[scheme] else f"{scheme}://{host}:{port}"
