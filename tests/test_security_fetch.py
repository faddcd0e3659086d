"""A watch list from someone else cannot make citywatch fetch anything but http(s), nor probe
loopback or private addresses unless it says `allow_private = true` (in the watch or in
[defaults]). The guard holds after DNS resolution and on every redirect hop; a refused request
never reaches the server, not even for robots.txt."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx
import pytest

from citywatch.errors import FetchError
from citywatch.sources import Watch, sources_from_dict
from scraper import Fetcher, Resolver
from tests.support.faults import run_measured, sources_text, tracebacks
from tests.support.httpserver import TestServer, redirect

PUBLIC_IP = "93.184.215.14"  # a globally routable address the fake DNS gives public names


def _watch(url: str, *, defaults: dict | None = None, **fields: object) -> Watch:
    raw = {
        "id": "w",
        "url": url,
        "site": "generic",
        "per_host_delay": 0,
        "retries": 0,
        "timeout": 3,
        **fields,
    }
    return sources_from_dict({"defaults": defaults or {}, "watch": [raw]}).watches[0]


def _fetch(url: str, watch: Watch, fetcher: Fetcher | None = None) -> str:
    """The fetched body as text, or the FetchError message prefixed with 'refused: '."""

    async def go() -> str:
        async with fetcher or Fetcher() as f:
            try:
                result = await f.fetch(url, watch)
            except FetchError as exc:
                return "refused: " + exc.message
            return (result.body or b"").decode("utf-8", "replace")

    return asyncio.run(go())


# --- schemes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "gopher://127.0.0.1/",
        "data:text/html,hi",
        "javascript:alert(1)",
    ],
)
def test_only_http_and_https_are_fetched(server: TestServer, url: str) -> None:
    outcome = _fetch(url, _watch("http://127.0.0.1/", allow_private=True))
    assert outcome.startswith("refused: "), outcome
    assert "root:" not in outcome


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        " file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "gopher://127.0.0.1:70/_x",
        "data:text/html,<p>hi</p>",
        "javascript:alert(1)",
        "dict://127.0.0.1:11211/stats",
        "jar:http://127.0.0.1/x!/y",
    ],
)
def test_a_redirect_to_another_scheme_is_refused(server: TestServer, location: str) -> None:
    server.route("/go", redirect(location))
    outcome = _fetch(server.url("/go"), _watch(server.url("/go"), allow_private=True))
    assert outcome.startswith("refused: ") and "redirect" in outcome, outcome
    assert "root:" not in outcome
    assert [r.route_path for r in server.requests() if r.route_path != "/robots.txt"] == ["/go"]


# --- private addresses -----------------------------------------------------------------------


def _spellings(port: int) -> list[str]:
    """Ways to name this machine's loopback server that a naive check would let through."""
    return [
        f"http://127.0.0.1:{port}/p",
        f"http://localhost:{port}/p",  # a name that resolves to 127.0.0.1
        f"http://127.1:{port}/p",
        f"http://2130706433:{port}/p",  # 127.0.0.1 as one decimal number
        f"http://0x7f000001:{port}/p",
        f"http://0.0.0.0:{port}/p",  # connects to the local host on Linux
        f"http://[::ffff:127.0.0.1]:{port}/p",  # IPv4-mapped IPv6
        f"http://[::1]:{port}/p",
    ]


def test_loopback_is_never_reached_without_allow_private(server: TestServer) -> None:
    server.set("/p", "<p>private</p>")
    for url in _spellings(server.port):
        outcome = _fetch(url, _watch(url))
        assert outcome.startswith("refused: "), (url, outcome)
    assert server.requests() == [], [r.path for r in server.requests()]


@pytest.mark.parametrize(
    "host",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "fd00::1",
        "fe80::1",
    ],
)
def test_private_and_link_local_names_are_refused_after_dns(host: str) -> None:
    """A public-looking name whose DNS answer is private is refused before any connection."""

    async def lookup(name: str) -> Sequence[str]:
        return [host]

    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"request sent to {request.url}")

    fetcher = Fetcher(transport=httpx.MockTransport(never), resolver=Resolver(lookup))
    outcome = _fetch("http://intranet.example/", _watch("http://intranet.example/"), fetcher)
    assert outcome.startswith("refused: ") and "private" in outcome, outcome


def test_a_redirect_from_a_public_place_to_a_private_one_is_refused(server: TestServer) -> None:
    """Hop 1 is public (fake DNS, mock network); hop 2 points at the real loopback server and
    must be refused before it is sent, on the real network as well as on the mock."""
    server.set("/secret", "<p>secret</p>")
    seen: list[str] = []

    async def lookup(name: str) -> Sequence[str]:
        return [PUBLIC_IP] if name.endswith(".example") else ["127.0.0.1"]

    def network(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, text="reached")

    targets = [
        server.url("/secret"),
        f"http://localhost:{server.port}/secret",
        f"http://[::ffff:7f00:1]:{server.port}/secret",
        "http://inside.test/secret",
    ]
    for target in targets:
        seen.clear()

        def hop(request: httpx.Request, target: str = target) -> httpx.Response:
            if request.url.host == "www.example" and request.url.path != "/robots.txt":
                seen.append(str(request.url))
                return httpx.Response(302, headers={"Location": target})
            return network(request)

        fetcher = Fetcher(transport=httpx.MockTransport(hop), resolver=Resolver(lookup))
        outcome = _fetch("http://www.example/start", _watch("http://www.example/start"), fetcher)
        assert outcome.startswith("refused: ") and "private" in outcome, (target, outcome)
        assert all("www.example" in url for url in seen), seen
    assert server.requests() == []


def test_allow_private_from_defaults_or_the_watch_opens_loopback(server: TestServer) -> None:
    server.set("/p", "<p>private</p>")
    url = server.url("/p")
    assert "private" in _fetch(url, _watch(url, allow_private=True))
    assert "private" in _fetch(url, _watch(url, defaults={"allow_private": True}))
    closed = _fetch(url, _watch(url, defaults={"allow_private": True}, allow_private=False))
    assert closed.startswith("refused: "), closed


def test_one_watch_allowing_private_does_not_open_it_for_another(server: TestServer) -> None:
    """Both on one fetcher (one pooled connection to the server): the second is still refused."""
    server.set("/p", "<p>private</p>")
    url = server.url("/p")

    async def go() -> tuple[str, str]:
        async with Fetcher() as fetcher:
            first = await fetcher.fetch(url, _watch(url, allow_private=True))
            try:
                await fetcher.fetch(url, _watch(url, respect_robots=False))
            except FetchError as exc:
                return (first.body or b"").decode(), exc.message
            return (first.body or b"").decode(), "fetched"

    body, second = asyncio.run(go())
    assert "private" in body and "private address" in second, second
    assert server.count("/p") == 1


def test_the_cli_cannot_be_made_to_probe_localhost(server: TestServer, tmp_path) -> None:
    """A whole crawl of a hostile watch list: loopback by number and by name, a feed and links
    that point there too. The server sees nothing."""
    server.set("/p", '<p>private</p><a href="/q">q</a>')
    watches = [
        {"id": "by-number", "url": server.url("/p"), "site": "generic", "follow": "a"},
        {
            "id": "by-name",
            "url": f"http://localhost:{server.port}/p",
            "site": "generic",
            "feed": server.url("/feed.xml"),
        },
    ]
    sources = tmp_path / "sources.toml"
    sources.write_text(
        sources_text(watches, defaults={"retries": 0, "timeout": "3s"}), encoding="utf-8"
    )
    done = run_measured(
        "crawl",
        "--sources",
        str(sources),
        "--db",
        f"sqlite:///{tmp_path / 'cw.db'}",
        "--format",
        "json",
    )
    assert tracebacks(done.stderr) == [], done.stderr
    assert done.returncode == 1
    errors = {e["watch"]: e["error"] for e in done.json()["errors"]}
    assert set(errors) == {"by-number", "by-name"}
    assert all("private address" in e for e in errors.values()), errors
    assert server.requests() == []
