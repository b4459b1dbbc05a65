"""Outbound URLs: only http(s), no credentials, and only public addresses unless the action allows private ones."""

from __future__ import annotations

import pytest

from kefu.integrations.ssrf import UnsafeURL, check_url

PRIVATE = [
    ("http://127.0.0.1/x", "loopback"),
    ("http://127.1.2.3:8080/x", "loopback"),
    ("http://10.0.0.5/x", "private"),
    ("http://172.16.0.1/x", "private"),
    ("http://192.168.1.1/x", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://100.64.0.1/x", "non-global"),
    ("http://0.0.0.0/x", "unspecified"),
    ("http://224.0.0.1/x", "multicast"),
    ("http://240.0.0.1/x", "reserved"),
    ("http://[::1]/x", "loopback"),
    ("http://[::]/x", "unspecified"),
    ("http://[fe80::1]/x", "link-local"),
    ("http://[fc00::1]/x", "private"),
    ("http://[ff02::1]/x", "multicast"),
    ("http://[::ffff:127.0.0.1]/x", "loopback"),
    ("http://[::ffff:10.1.2.3]/x", "private"),
    ("http://[::ffff:169.254.169.254]/x", "link-local"),
    ("http://localhost:9000/x", "loopback"),
]


@pytest.mark.parametrize(("url", "kind"), PRIVATE)
async def test_private_targets_are_refused(url: str, kind: str) -> None:
    with pytest.raises(UnsafeURL, match=kind) as caught:
        await check_url(url, allow_private=False)
    assert caught.value.code == "private_address"


@pytest.mark.parametrize(("url", "kind"), PRIVATE)
async def test_allow_private_lets_them_through(url: str, kind: str) -> None:
    target = await check_url(url, allow_private=True)
    assert target.url == url


async def test_public_addresses_pass_and_pin_the_address() -> None:
    target = await check_url("https://93.184.215.14:8443/api?x=1", allow_private=False)
    assert str(target.pinned_url) == "https://93.184.215.14:8443/api?x=1"
    v6 = await check_url("https://[2001:4860:4860::8888]/a", allow_private=False)
    assert str(v6.pinned_url) == "https://[2001:4860:4860::8888]/a"


@pytest.mark.parametrize(
    "url",
    ["ftp://93.184.215.14/x", "file:///etc/passwd", "//93.184.215.14/x", "http://user:pw@93.184.215.14/x", "http:///x"],
)
async def test_only_plain_http_and_https_urls(url: str) -> None:
    with pytest.raises(UnsafeURL) as caught:
        await check_url(url, allow_private=True)
    assert caught.value.code == "bad_url"


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(UnsafeURL) as caught:
        await check_url("http://no-such-host.invalid/x", allow_private=True)
    assert caught.value.code == "unresolvable_url"
