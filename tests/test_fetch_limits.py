"""Limits: body size (memory bounded, bombs included), broken bodies, and redirects that loop,
run on, or leave http(s)."""

from __future__ import annotations

import asyncio
import tracemalloc

import pytest

from citywatch import defaults
from citywatch.errors import FetchError
from scraper import Fetcher
from tests.support.httpserver import (
    bad_length,
    brotli_bomb,
    gzip_bomb,
    huge,
    invalid_gzip,
    redirect,
    short_length,
    truncated,
)

MB = 1024 * 1024


def fetch(url, watch, **kwargs):
    async def run():
        async with Fetcher(**kwargs) as fetcher:
            return await fetcher.fetch(url, watch)

    return asyncio.run(run())


def peak_while(call) -> tuple[object, int]:
    """Run `call`; return (its result or exception, peak traced Python memory in bytes)."""
    tracemalloc.start()
    try:
        try:
            outcome: object = call()
        except FetchError as exc:
            outcome = exc
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_declared_over_size_body_is_refused_before_reading(server, local_watch):
    server.route("/big", huge(50 * MB))
    outcome, peak = peak_while(
        lambda: fetch(server.url("/big"), local_watch(max_bytes=MB, respect_robots=False))
    )
    assert isinstance(outcome, FetchError)
    assert outcome.message == f"body larger than {MB} bytes"
    assert outcome.context["attempts"] == 1
    assert peak < 4 * MB


def test_a_50_mb_streamed_body_is_cut_off_at_the_cap_and_never_buffered(server, local_watch):
    server.route("/stream", huge(50 * MB, chunked=True))
    outcome, peak = peak_while(
        lambda: fetch(server.url("/stream"), local_watch(max_bytes=MB, respect_robots=False))
    )
    assert isinstance(outcome, FetchError)
    assert outcome.message == f"body larger than {MB} bytes"
    assert peak < 4 * MB, f"peak {peak / MB:.1f} MB"


def test_a_body_under_the_cap_is_read_whole(server, local_watch):
    server.route("/stream", huge(3 * MB, chunked=True))
    result = fetch(server.url("/stream"), local_watch(max_bytes=4 * MB, respect_robots=False))
    assert len(result.body) == 3 * MB


@pytest.mark.parametrize("bomb", [gzip_bomb, brotli_bomb], ids=["gzip", "brotli"])
def test_a_compression_bomb_is_refused_counting_decoded_bytes(server, local_watch, bomb):
    server.route("/bomb", bomb(64 * MB))
    outcome, peak = peak_while(
        lambda: fetch(server.url("/bomb"), local_watch(max_bytes=MB, respect_robots=False))
    )
    assert isinstance(outcome, FetchError)
    assert outcome.message == f"body larger than {MB} bytes"
    assert peak < 4 * MB, f"peak {peak / MB:.1f} MB"


def test_default_cap_applies_to_a_default_watch(server, local_watch):
    server.route("/bomb", gzip_bomb(64 * MB))
    with pytest.raises(FetchError, match=f"body larger than {defaults.MAX_BODY_BYTES} bytes"):
        fetch(server.url("/bomb"), local_watch(respect_robots=False))


def test_invalid_gzip_is_a_fetch_error(server, local_watch):
    server.route("/gz", invalid_gzip())
    with pytest.raises(FetchError, match=r"^invalid gzip body"):
        fetch(server.url("/gz"), local_watch(retries=2, respect_robots=False))
    assert server.count("/gz") == 1  # a broken encoding is not retried


def test_a_truncated_body_is_a_fetch_error(server, local_watch):
    server.route("/cut", truncated())
    with pytest.raises(FetchError, match=r"^broken response"):
        fetch(server.url("/cut"), local_watch(retries=0, respect_robots=False))


def test_a_non_numeric_content_length_is_a_fetch_error(server, local_watch):
    server.route("/len", bad_length())
    with pytest.raises(FetchError, match=r"^broken response"):
        fetch(server.url("/len"), local_watch(retries=0, respect_robots=False))


def test_a_short_content_length_gives_what_it_declared_and_spoils_nothing_after(
    server, local_watch
):
    server.route("/short", short_length())
    server.set("/next", "<p>next</p>")
    watch = local_watch(retries=0, respect_robots=False)

    async def run():
        async with Fetcher() as fetcher:
            first = await fetcher.fetch(server.url("/short"), watch)
            second = await fetcher.fetch(server.url("/next"), watch)
            return first, second

    first, second = asyncio.run(run())
    assert first.body == b"<html><bod"
    assert second.text == "<p>next</p>"  # the junk left on the wire reached no later response


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/", "data:,x"]
)
def test_a_redirect_to_a_non_http_url_is_refused(server, local_watch, location):
    server.route("/r", redirect(location))
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/r"), local_watch(retries=2, respect_robots=False))
    assert caught.value.message == f"redirect to non-http URL {location} refused"
    assert caught.value.context["status"] == 302
    assert server.count("/r") == 1


def test_a_redirect_loop_is_stopped(server, local_watch):
    server.route("/a", redirect("/b"))
    server.route("/b", redirect("/a"))
    with pytest.raises(FetchError, match=r"^redirect loop at"):
        fetch(server.url("/a"), local_watch(respect_robots=False))
    assert server.count("/a") == 1 and server.count("/b") == 1


def test_a_redirect_chain_is_capped(server, local_watch):
    hops = defaults.MAX_REDIRECTS + 3
    for i in range(hops):
        server.route(f"/hop{i}", redirect(f"/hop{i + 1}"))
    with pytest.raises(FetchError, match=f"more than {defaults.MAX_REDIRECTS} redirects"):
        fetch(server.url("/hop0"), local_watch(respect_robots=False))
    assert server.count() == defaults.MAX_REDIRECTS + 1


def test_redirect_without_location_is_an_error(server, local_watch):
    server.set("/nowhere", b"", status=302, validators=False)
    with pytest.raises(FetchError, match=r"redirect without Location"):
        fetch(server.url("/nowhere"), local_watch(respect_robots=False))


def test_each_redirect_hop_is_checked_against_robots(server, local_watch):
    server.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.route("/open", redirect("/private/page"))
    server.set("/private/page", "secret")
    with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
        fetch(server.url("/open"), local_watch())
    assert server.count("/private/page") == 0
