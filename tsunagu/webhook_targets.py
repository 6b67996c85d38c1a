"""Where webhooks may be sent: outside development, `https` to public addresses only.

A URL is checked when an agency registers it and again before each delivery. The delivery then
connects to the address that was checked (with the host name kept for `Host` and TLS), so a
name that resolves differently the second time cannot steer it to an internal address.
Hosts in the allowlist (local test receivers) are exempt and connected by name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Final
from urllib.parse import urlsplit

from pydantic import BeforeValidator
from pydantic_settings import NoDecode

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]
DEVELOPMENT: Final = "development"
CGNAT: Final = ipaddress.ip_network("100.64.0.0/10")
TUNNELS: Final = (
    ipaddress.ip_network("2002::/16"),  # 6to4: the IPv4 address it carries is reached
    ipaddress.ip_network("2001::/32"),  # Teredo
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64, well-known prefix
    ipaddress.ip_network("64:ff9b:1::/48"),  # NAT64, local-use prefix
)
"""IPv6 ranges that lead to IPv4 addresses (any of them private): refused whole, as no
agency's receiver needs them."""
METADATA: Final = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)


class TargetRefused(ValueError):
    """A webhook URL that may not be called in this environment."""


def _split_hosts(value: Any) -> Any:
    """Accept `a,b` from the environment as well as a list."""
    if isinstance(value, str):
        return [h.strip().lower() for h in value.split(",") if h.strip()]
    return value


AllowedHosts = Annotated[frozenset[str], NoDecode, BeforeValidator(_split_hosts)]
"""A setting listing host names exempt from the checks, comma-separated in the environment."""


def refusal(address: Address) -> str | None:
    """Why a webhook may not be sent to `address`, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        (address in METADATA, "a cloud metadata address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (
            isinstance(address, ipaddress.IPv6Address) and address.is_site_local,
            "a site-local address",
        ),
        (
            isinstance(address, ipaddress.IPv6Address) and any(address in t for t in TUNNELS),
            "an address tunnelled to IPv4",
        ),
        (address.is_multicast, "a multicast address"),
        (isinstance(address, ipaddress.IPv4Address) and address in CGNAT, "a CGNAT address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    )
    return next((reason for failed, reason in checks if failed), None)


async def resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (TCP)."""
    loop = asyncio.get_running_loop()
    found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


@dataclass(frozen=True)
class CheckedTarget:
    """A webhook URL cleared for one call, and the address to connect to (None: by name)."""

    url: str
    host: str
    address: str | None = None


@dataclass(frozen=True)
class TargetPolicy:
    """The checks for one environment, with the host names exempt from them."""

    environment: str = DEVELOPMENT
    allowed_hosts: frozenset[str] = frozenset()
    resolver: Resolver = field(default=resolve, compare=False)

    async def check(self, url: str) -> CheckedTarget:
        """Clear `url` for a call now, or raise TargetRefused saying why not."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not host:
            raise TargetRefused("a webhook URL names a host")
        if self.environment == DEVELOPMENT or host in self.allowed_hosts:
            return CheckedTarget(url=url, host=host)
        if parts.scheme != "https":
            raise TargetRefused("a webhook URL must use https")
        try:
            addresses = await self.resolver(host, parts.port or 443)
        except OSError as exc:
            raise TargetRefused(f"{host} does not resolve") from exc
        return CheckedTarget(url=url, host=host, address=_public_one(host, addresses))


def _public_one(host: str, addresses: Iterable[str]) -> str:
    """The first address, once every address the name resolves to is public."""
    listed = list(addresses)
    if not listed:
        raise TargetRefused(f"{host} does not resolve")
    for text in listed:
        reason = refusal(ipaddress.ip_address(text.split("%", 1)[0]))
        if reason is not None:
            raise TargetRefused(f"{host} resolves to {reason}")
    return listed[0]
