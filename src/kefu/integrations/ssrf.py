"""Keeping kefu's outbound calls away from its own network (server-side request forgery).

An admin types the URL of each action, and whoever can change it could otherwise point kefu at the
cloud metadata service (169.254.169.254), the database on localhost or any host of the private network
and read the answers on the 测试 button. So a URL must be http or https, carry no user name or password,
and every address its host resolves to must be a public one: not loopback, link-local, private
(including shared 100.64/10 and IPv6 unique-local), multicast, unspecified or reserved, in IPv4 or IPv6,
including IPv4-mapped IPv6 addresses (``::ffff:127.0.0.1``). An action whose backend really lives on
the private network (the usual case inside a company) says so with ``allow_private``.

The check runs when the action is saved and again before every attempt of every call, because the
name may resolve elsewhere by then (DNS rebinding). The caller then connects to the address this check
returned (``CheckedTarget.pinned_url``), not to a fresh lookup of the name, so nothing can slip in
between the check and the connection. Resolution runs off the event loop (``loop.getaddrinfo`` uses
the default executor).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURL(Exception):
    """The URL may not be called; ``code`` says why (``bad_url``, ``unresolvable_url``, ``private_address``)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class CheckedTarget:
    """A URL whose host was resolved and checked, and the address to connect to."""

    url: str
    host: str
    address: IPAddress

    @property
    def pinned_url(self) -> httpx.URL:
        """The URL with its host replaced by the checked address (send ``Host`` and SNI separately)."""
        return httpx.URL(self.url).copy_with(host=str(self.address))

    @property
    def host_header(self) -> str:
        """The ``Host`` header the original URL would have sent."""
        return httpx.URL(self.url).netloc.decode("ascii")


def forbidden_kind(address: IPAddress) -> str | None:
    """Why ``address`` is not a public one (``"loopback"``, ``"private"`` …), or None when it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return forbidden_kind(address.ipv4_mapped)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("non-global", not address.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def parse(url: str) -> tuple[str, int]:
    """The host and port of an acceptable URL; ``UnsafeURL(code="bad_url")`` otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"not a valid URL: {exc}", code="bad_url") from exc
    if parts.scheme not in SCHEMES:
        raise UnsafeURL("the URL must start with http:// or https://", code="bad_url")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL("the URL must not contain a user name or password", code="bad_url")
    if not parts.hostname:
        raise UnsafeURL("the URL has no host", code="bad_url")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (a literal address resolves to itself, without DNS)."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeURL(f"the host {host!r} could not be resolved", code="unresolvable_url") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).partition("%")[0])  # drop an IPv6 zone id
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeURL(f"the host {host!r} could not be resolved", code="unresolvable_url")
    return addresses


async def check_url(url: str, *, allow_private: bool) -> CheckedTarget:
    """Resolve the URL's host and check every address; the first one is where to connect.

    Every address must pass, not just the first: a name that resolves to one public and one private
    address could otherwise be answered differently on the next lookup.
    """
    host, port = parse(url)
    addresses = await resolve(host, port)
    if not allow_private:
        for address in addresses:
            kind = forbidden_kind(address)
            if kind is not None:
                raise UnsafeURL(
                    f"{host} resolves to {address}, a {kind} address; kefu calls only public addresses "
                    "unless the action allows private ones",
                    code="private_address",
                )
    return CheckedTarget(url, host, addresses[0])
