"""HTTP requests to an address a brand typed (a group robot's webhook), made so that a brand cannot
point the platform into its own network.

The host is resolved once; every address it resolves to must be public (an IPv6 form that embeds
an IPv4 address is judged by that address, or refused outright); the connection goes to an
address that was checked, never to a second lookup (DNS rebinding); redirects are never followed;
the answer is read up to a small limit. TLS still verifies the certificate against the host name.
`WEBHOOK_ALLOW_PRIVATE_HOSTS` lets an on-premise install reach its LAN; the rest still holds.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_ANSWER_BYTES = 64 * 1024

_V4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d, and :: and ::1
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix: the v4 address it embeds
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


class AddressRefused(Exception):
    """The URL, or where it leads, is not one the platform will connect to. The text is for users."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # at most the limit asked for; never shown as text to users (it is the target's words)
    content_type: str = ""


def address_is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.version == 6:
        if address.ipv4_mapped is not None or address.sixtofour is not None or address.teredo is not None:
            return False
        if address in _V4_COMPATIBLE or address in _NAT64_LOCAL:
            return False
        if address in _NAT64:
            return address_is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return address.is_global and not address.is_multicast and not address.is_reserved


def _addresses(host: str, port: int, *, allow_private: bool = False) -> list[str]:
    """Every address the host resolves to, looked up once; all public unless allowed (the
    setting, or a caller that knows the host is ours)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise AddressRefused("unresolvable") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise AddressRefused("unresolvable")
    if not (allow_private or settings.WEBHOOK_ALLOW_PRIVATE_HOSTS) and not all(
        address_is_public(ipaddress.ip_address(address.split("%")[0])) for address in addresses
    ):
        raise AddressRefused("private")
    return addresses


def _parts(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise AddressRefused("scheme") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise AddressRefused("scheme")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def url_check(url: str) -> None:
    """Raise AddressRefused ("scheme", "unresolvable" or "private") for a URL we would not post to."""
    _scheme, host, port, _path = _parts(url)
    _addresses(host, port)


def _connection(scheme: str, host: str, port: int, address: str, timeout: float) -> http.client.HTTPConnection:
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def connect_to_checked_address(_where, timeout=timeout, source_address=None):
        return socket.create_connection((address, port), timeout, source_address)

    # http.client opens its socket through this hook; TLS then wraps it for `host` (SNI, certificate).
    connection._create_connection = connect_to_checked_address  # type: ignore[attr-defined]  # not in typeshed
    return connection


def post_json(url: str, body: bytes, *, timeout: float) -> Answer:
    """POST once; OSError when the network fails, AddressRefused as above."""
    return request("POST", url, body=body, headers={"Content-Type": "application/json"}, timeout=timeout)


def request(
    method: str,
    url: str,
    *,
    timeout: float,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    max_bytes: int = MAX_ANSWER_BYTES,
    allow_private: bool = False,
) -> Answer:
    """One request, to the first checked address that accepts a connection; the answer read up
    to `max_bytes`."""
    scheme, host, port, path = _parts(url)
    last_error: OSError = OSError("no address")
    for address in _addresses(host, port, allow_private=allow_private):
        connection = _connection(scheme, host, port, address, timeout)
        try:
            connection.connect()
            break
        except OSError as error:
            last_error = error
            connection.close()
    else:
        raise last_error
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()  # a 3xx is an answer like any other: never followed
        return Answer(response.status, response.read(max_bytes), response.getheader("Content-Type") or "")
    except http.client.HTTPException as error:
        raise OSError(f"bad answer: {type(error).__name__}") from error
    finally:
        connection.close()
