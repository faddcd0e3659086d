"""The private-address guard: checked after DNS, on every redirect hop, and again when the
socket is opened. The real server shows what it can (it lives on 127.0.0.1); made-up public
hosts use httpx.MockTransport and a resolver hook, so no traffic ever leaves this machine."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import httpcore
import httpx
import pytest

from citywatch.errors import FetchError
from scraper import Fetcher, Resolver, is_public
from scraper.guard import GuardedBackend, allow_private

PUBLIC = "93.184.216.34"  # only ever classified, never connected to


def fetch(url, watch, **kwargs):
    async def run():
        async with Fetcher(**kwargs) as fetcher:
            return await fetcher.fetch(url, watch)

    return asyncio.run(run())


def fake_dns(table: dict[str, list[str]]):
    calls: list[str] = []

    async def lookup(host: str) -> list[str]:
        calls.append(host)
        if host not in table:
            raise OSError(-2, "Name or service not known")
        return table[host]

    lookup.calls = calls  # type: ignore[attr-defined]
    return lookup


def test_loopback_is_refused_without_allow_private_and_nothing_is_sent(server, local_watch):
    server.set("/page", "<p>x</p>")
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/page"), local_watch(allow_private=False))
    assert caught.value.message == (
        "private address 127.0.0.1 refused (set allow_private = true to allow)"
    )
    assert server.count() == 0  # not even robots.txt


def test_a_name_is_checked_after_resolution(server, local_watch):
    server.set("/page", "<p>x</p>")
    with pytest.raises(FetchError, match=r"private address 127\.0\.0\.1 refused"):
        fetch(f"http://localhost:{server.port}/page", local_watch(allow_private=False))
    assert server.count() == 0


def test_allow_private_lets_the_same_fetch_through(server, local_watch):
    server.set("/page", "<p>x</p>")
    assert fetch(server.url("/page"), local_watch(allow_private=True)).status == 200


def mock_site(log: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        log.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.path == "/to-literal":
            return httpx.Response(302, headers={"Location": "http://10.0.0.7/admin"})
        if request.url.path == "/to-name":
            return httpx.Response(302, headers={"Location": "http://intranet.example/"})
        if request.url.path == "/to-metadata":
            return httpx.Response(301, headers={"Location": "http://169.254.169.254/latest/"})
        return httpx.Response(200, text="<p>public</p>", headers={"Content-Type": "text/html"})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("path", "refused"),
    [("/to-literal", "10.0.0.7"), ("/to-name", "192.168.1.5"), ("/to-metadata", "169.254.169.254")],
)
def test_a_redirect_hop_to_a_private_address_is_refused(local_watch, path, refused):
    log: list[str] = []
    dns = fake_dns({"www.city.example": [PUBLIC], "intranet.example": ["192.168.1.5"]})
    watch = local_watch(allow_private=False)
    with pytest.raises(FetchError) as caught:
        fetch(
            f"http://www.city.example{path}",
            watch,
            transport=mock_site(log),
            resolver=Resolver(dns),
        )
    assert caught.value.message.startswith(f"private address {refused} refused")
    assert all(url.startswith("http://www.city.example/") for url in log)


def test_a_public_host_is_fetched_with_the_mock(local_watch):
    log: list[str] = []
    dns = fake_dns({"www.city.example": [PUBLIC]})
    result = fetch(
        "http://www.city.example/page",
        local_watch(allow_private=False),
        transport=mock_site(log),
        resolver=Resolver(dns),
    )
    assert result.text == "<p>public</p>"
    assert log == ["http://www.city.example/robots.txt", "http://www.city.example/page"]


def test_a_host_with_any_private_address_is_refused(local_watch):
    dns = fake_dns({"mixed.example": [PUBLIC, "10.1.2.3"]})
    with pytest.raises(FetchError, match=r"private address 10\.1\.2\.3 refused"):
        fetch(
            "http://mixed.example/",
            local_watch(allow_private=False),
            transport=mock_site([]),
            resolver=Resolver(dns),
        )


def test_an_unresolvable_host_is_a_retried_fetch_error(local_watch):
    dns = fake_dns({})

    async def no_wait(_seconds: float) -> None:
        return None

    with pytest.raises(FetchError) as caught:
        fetch(
            "http://nowhere.example/",
            local_watch(allow_private=False, retries=1),
            transport=mock_site([]),
            resolver=Resolver(dns),
            sleep=no_wait,
        )
    assert caught.value.message.startswith("cannot resolve nowhere.example")
    assert caught.value.context["attempts"] == 2


def test_the_backend_refuses_private_addresses_at_connect_time(server):
    """Even when the pre-check is bypassed (DNS changed since), the socket is never opened."""
    backend = GuardedBackend(Resolver(fake_dns({"rebound.example": ["127.0.0.1"]})))

    async def run() -> str:
        with pytest.raises(httpcore.ConnectError, match=r"private address 127\.0\.0\.1 refused"):
            await backend.connect_tcp("rebound.example", server.port)
        token = allow_private.set(True)
        try:
            stream = await backend.connect_tcp("rebound.example", server.port)
            await stream.aclose()
            return "connected"
        finally:
            allow_private.reset(token)

    assert asyncio.run(run()) == "connected"


def test_resolver_caches_answers_shares_lookups_and_skips_literals():
    dns = fake_dns({"a.example": [PUBLIC, PUBLIC]})
    resolver = Resolver(dns)

    async def run():
        together = await asyncio.gather(*(resolver.resolve("a.example") for _ in range(5)))
        again = await resolver.resolve("A.example.")
        literal = await resolver.resolve("203.0.113.9")
        v6 = await resolver.resolve("[2001:db8::1]")
        return together, again, literal, v6

    together, again, literal, v6 = asyncio.run(run())
    assert dns.calls == ["a.example"]
    assert all(t == (ipaddress.ip_address(PUBLIC),) for t in together) and again == together[0]
    assert literal == (ipaddress.ip_address("203.0.113.9"),)
    assert v6 == (ipaddress.ip_address("2001:db8::1"),)


def test_resolver_answers_expire():
    now = [0.0]
    dns = fake_dns({"a.example": [PUBLIC]})
    resolver = Resolver(dns, ttl=60, clock=lambda: now[0])

    async def run():
        await resolver.resolve("a.example")
        now[0] = 59
        await resolver.resolve("a.example")
        now[0] = 61
        await resolver.resolve("a.example")

    asyncio.run(run())
    assert dns.calls == ["a.example", "a.example"]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",
        "2001:db8::1",
        "ff02::1",
    ],
)
def test_non_public_addresses(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses(address):
    assert is_public(ipaddress.ip_address(address))


def test_the_fetcher_connects_only_to_addresses_from_its_own_resolver(server, local_watch):
    """`site.test` exists only in the resolver hook, so reaching the server by that name shows
    the default transport opens sockets through the guarded backend, not the system resolver."""
    server.set("/named", "<p>by name</p>")
    dns = fake_dns({"site.test": ["127.0.0.1"]})
    url = f"http://site.test:{server.port}/named"
    result = fetch(url, local_watch(allow_private=True), resolver=Resolver(dns))
    assert result.text == "<p>by name</p>"
    assert server.requests("/named")[0].header("host") == f"site.test:{server.port}"
    assert set(dns.calls) == {"site.test"}


def test_a_guarded_connection_tells_when_the_server_has_closed_it():
    """The pool drops an idle keep-alive connection once its socket reads as closed; the
    guarded stream answers from its own socket, on plain connections as after TLS."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    backend = GuardedBackend(Resolver())

    async def run() -> list[object]:
        token = allow_private.set(True)
        try:
            stream = await backend.connect_tcp("127.0.0.1", port)
        finally:
            allow_private.reset(token)
        peer, _ = listener.accept()
        seen: list[object] = [stream.get_extra_info("is_readable")]
        seen.append(stream.get_extra_info("server_addr"))
        peer.close()  # the server ends an idle connection
        for _ in range(100):
            if stream.get_extra_info("is_readable"):
                break
            await asyncio.sleep(0.01)
        seen.append(stream.get_extra_info("is_readable"))
        await stream.aclose()
        seen.append(stream.get_extra_info("is_readable"))
        return seen

    try:
        idle, address, after_close, after_our_close = asyncio.run(run())
    finally:
        listener.close()
    assert idle is False
    assert address == ("127.0.0.1", port)
    assert after_close is True and after_our_close is True
