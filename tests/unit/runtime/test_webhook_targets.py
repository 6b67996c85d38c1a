"""Where webhooks may go: https to public addresses outside development, and the allowlist."""

from __future__ import annotations

import ipaddress

import pytest

from tsunagu.webhook_targets import TargetPolicy, TargetRefused, refusal


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("93.184.215.14", None),
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("127.0.0.1", "a loopback address"),
        ("127.8.9.10", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.0.0.5", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("169.254.10.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("100.64.0.1", "a CGNAT address"),
        ("100.127.255.254", "a CGNAT address"),
        ("224.0.0.251", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("::ffff:10.1.1.1", "a private address"),
        ("192.0.2.10", "a private address"),
        ("240.0.0.1", "a private address"),
        ("fec0::1", "a site-local address"),
        ("2002:a00:1::1", "an address tunnelled to IPv4"),
        ("2002:5db8:d70e::1", "an address tunnelled to IPv4"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "an address tunnelled to IPv4"),
        ("64:ff9b::a00:1", "an address tunnelled to IPv4"),
    ],
)
def test_only_public_addresses_are_accepted(address: str, reason: str | None) -> None:
    assert refusal(ipaddress.ip_address(address)) == reason


def resolving(*addresses: str) -> TargetPolicy:
    """A production policy whose resolver answers `addresses` for every name."""

    async def resolver(host: str, port: int) -> list[str]:
        return list(addresses)

    return TargetPolicy(
        environment="production", allowed_hosts=frozenset({"receiver.test"}), resolver=resolver
    )


async def test_a_public_https_url_is_pinned_to_the_address_checked() -> None:
    target = await resolving("93.184.215.14").check("https://Hooks.Example.org:8443/in")
    assert (target.host, target.address) == ("hooks.example.org", "93.184.215.14")


@pytest.mark.parametrize(
    ("url", "addresses", "message"),
    [
        ("http://hooks.example.org/in", ("93.184.215.14",), "must use https"),
        ("https://hooks.example.org/in", ("10.0.0.7",), "resolves to a private address"),
        ("https://hooks.example.org/in", ("93.184.215.14", "127.0.0.1"), "a loopback address"),
        ("https://127.0.0.1/in", ("127.0.0.1",), "a loopback address"),
        ("https://[::1]/in", ("::1",), "a loopback address"),
        ("https://metadata.internal/in", ("169.254.169.254",), "cloud metadata"),
        ("https://hooks.example.org/in", (), "does not resolve"),
        ("https:///in", ("93.184.215.14",), "names a host"),
    ],
)
async def test_outside_development_other_urls_are_refused(
    url: str, addresses: tuple[str, ...], message: str
) -> None:
    with pytest.raises(TargetRefused, match=message):
        await resolving(*addresses).check(url)


async def test_an_allowlisted_host_and_development_skip_the_checks() -> None:
    allowed = await resolving("127.0.0.1").check("http://receiver.test:9000/in")
    assert (allowed.host, allowed.address) == ("receiver.test", None)
    development = TargetPolicy(environment="development")
    assert (await development.check("http://127.0.0.1:9/x")).address is None


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    policy = TargetPolicy(environment="production")
    with pytest.raises(TargetRefused, match="does not resolve"):
        await policy.check("https://no-such-host.invalid/in")
