"""Fetcher-level faults whose cost is time or memory, measured without waiting for real: the
fetcher's `sleep` is replaced by one that records what it was asked to wait."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Callable
from email.utils import formatdate
from time import time

import pytest

from citywatch.errors import FetchError
from citywatch.sources import Watch
from scraper import Fetcher
from tests.support.httpserver import TestServer, huge, status


class Waits:
    """An async sleep that only writes down how long it was asked to sleep."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(0)


def _fetch(url: str, watch: Watch, sleep: Waits | None = None) -> FetchError:
    async def go() -> FetchError:
        async with Fetcher(sleep=sleep or asyncio.sleep) as fetcher:
            try:
                await fetcher.fetch(url, watch)
            except FetchError as exc:
                return exc
        raise AssertionError(f"{url} was fetched")

    return asyncio.run(go())


def test_retry_after_within_the_budget_is_honoured(
    server: TestServer, local_watch: Callable[..., Watch]
) -> None:
    server.route("/ra", status(503, retry_after="2"))
    waits = Waits()
    error = _fetch(
        server.url("/ra"), local_watch(retries=1, timeout=3, respect_robots=False), waits
    )
    assert waits.asked == [2.0]
    assert server.count("/ra") == 2 and "HTTP 503" in error.message


@pytest.mark.parametrize(
    "header",
    ["3600", formatdate(time() + 86400, usegmt=True)],
    ids=["seconds", "http-date"],
)
def test_a_retry_after_far_beyond_the_budget_does_not_park_the_crawl(
    server: TestServer, local_watch: Callable[..., Watch], header: str
) -> None:
    """A server may ask for an hour; a one-off crawl must not sit idle for minutes per try.
    Waiting longer than the watch's own timeout is never worth it: fail now, with the reason,
    and let the next scheduled check come back later."""
    server.route("/busy", status(503, retry_after=header))
    watch = local_watch(retries=3, timeout=3, respect_robots=False)
    waits = Waits()
    error = _fetch(server.url("/busy"), watch, waits)
    assert "HTTP 503" in error.message
    assert sum(waits.asked) <= watch.timeout, f"asked to sleep {waits.asked} s"


def test_backoff_without_retry_after_stays_small(
    server: TestServer, local_watch: Callable[..., Watch]
) -> None:
    server.route("/down", status(500))
    waits = Waits()
    _fetch(server.url("/down"), local_watch(retries=3, timeout=3, respect_robots=False), waits)
    assert len(waits.asked) == 3 and server.count("/down") == 4
    assert all(0 < w <= 4 for w in waits.asked), waits.asked


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_50_mb_body_is_never_buffered(
    server: TestServer, local_watch: Callable[..., Watch], chunked: bool
) -> None:
    """Python-heap peak while a 50 MB page is refused stays near the watch's 1 MiB cap."""
    server.route("/huge", huge(50 * 1024 * 1024, chunked=chunked))
    watch = local_watch(max_bytes=1024 * 1024, respect_robots=False, retries=0, timeout=20)
    tracemalloc.start()
    try:
        error = _fetch(server.url("/huge"), watch)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "larger than" in error.message
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while refusing a 50 MB body"
