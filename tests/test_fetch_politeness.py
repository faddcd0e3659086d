"""Politeness: robots.txt, per-host concurrency and spacing (measured by the server), and the
jitter helpers the scheduler uses to spread checks."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time

import pytest

from citywatch.errors import FetchError
from scraper import Fetcher, HostGates, jittered, stable_offset, stagger
from tests.support.httpserver import Exchange, Response, robots_txt, status


def run_all(urls, watch, **kwargs) -> list:
    async def run() -> list:
        async with Fetcher(**kwargs) as fetcher:
            return await asyncio.gather(
                *(fetcher.fetch(u, watch) for u in urls), return_exceptions=True
            )

    return asyncio.run(run())


def slow_page(seconds: float):
    def handler(exchange: Exchange) -> Response:
        exchange.pause(seconds)
        return Response(body=b"<p>slow</p>")

    return handler


def test_a_path_robots_disallows_is_never_requested(server, local_watch):
    server.set("/robots.txt", robots_txt(["/private/"]), content_type="text/plain")
    server.set("/private/secret.html", "<p>secret</p>")
    server.set("/public.html", "<p>ok</p>")

    results = run_all(
        [server.url("/private/secret.html"), server.url("/public.html")], local_watch()
    )

    assert isinstance(results[0], FetchError)
    assert results[0].message == "disallowed by robots.txt"
    assert results[1].text == "<p>ok</p>"
    assert server.count("/private/secret.html") == 0
    assert server.count("/robots.txt") == 1


def test_robots_is_fetched_once_per_host_for_many_concurrent_fetches(server, local_watch):
    server.set("/robots.txt", robots_txt(["/nope/"]), content_type="text/plain")
    for i in range(10):
        server.set(f"/p{i}.html", f"<p>{i}</p>")
    results = run_all([server.url(f"/p{i}.html") for i in range(10)], local_watch())
    assert [r.text for r in results] == [f"<p>{i}</p>" for i in range(10)]
    assert server.count("/robots.txt") == 1


def test_robots_rules_for_citywatch_apply_to_its_user_agent(server, local_watch):
    rules = "User-agent: citywatch\nDisallow: /for-bots/\n\nUser-agent: *\nDisallow:\n"
    server.set("/robots.txt", rules, content_type="text/plain")
    server.set("/for-bots/x", "x")
    [result] = run_all([server.url("/for-bots/x")], local_watch())
    assert isinstance(result, FetchError) and "robots" in result.message
    assert server.count("/for-bots/x") == 0


def test_a_missing_robots_txt_allows_everything(server, local_watch):
    server.set("/page", "<p>x</p>")
    [result] = run_all([server.url("/page")], local_watch())  # /robots.txt is a 404
    assert result.status == 200
    assert server.count("/robots.txt") == 1


def test_a_robots_txt_that_fails_does_not_block_but_is_logged(server, local_watch, caplog):
    server.route("/robots.txt", status(503))
    server.set("/page", "<p>x</p>")
    with caplog.at_level(logging.WARNING, logger="scraper.robots"):
        [result] = run_all([server.url("/page")], local_watch())
    assert result.status == 200
    assert any("robots.txt" in r.getMessage() and "503" in r.getMessage() for r in caplog.records)


def test_respect_robots_false_skips_robots_entirely(server, local_watch):
    server.set("/robots.txt", robots_txt(["/"]), content_type="text/plain")
    server.set("/page", "<p>x</p>")
    [result] = run_all([server.url("/page")], local_watch(respect_robots=False))
    assert result.status == 200
    assert server.count("/robots.txt") == 0


def test_concurrent_requests_to_one_host_never_exceed_the_limit(server, local_watch):
    server.route("/slow/", slow_page(0.3), prefix=True)
    urls = [server.url(f"/slow/{i}") for i in range(9)]
    results = run_all(urls, local_watch(per_host_concurrency=3, respect_robots=False))
    assert all(r.status == 200 for r in results)
    assert server.max_in_flight_under("/slow/") == 3  # reached, never passed


def test_without_a_limit_the_same_load_does_overlap_more(server, local_watch):
    """Shows the server's measure can see more than the limit, so the test above can fail."""
    server.route("/slow/", slow_page(0.15), prefix=True)
    urls = [server.url(f"/slow/{i}") for i in range(12)]
    run_all(urls, local_watch(per_host_concurrency=12, respect_robots=False))
    assert server.max_in_flight_under("/slow/") > 3


def test_per_host_delay_spaces_request_starts(server, local_watch):
    server.set("/d", "<p>x</p>")
    watch = local_watch(per_host_delay=0.3, per_host_concurrency=4, respect_robots=False)
    run_all([server.url("/d")] * 4, watch)
    times = [r.time for r in server.requests("/d")]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 3
    assert min(gaps) >= 0.25, gaps  # 0.3 s apart at the client; the rest is network jitter


def test_robots_crawl_delay_is_a_floor_under_the_watch_delay(server, local_watch):
    server.set("/robots.txt", robots_txt(crawl_delay=0.3), content_type="text/plain")
    server.set("/c", "<p>x</p>")
    run_all([server.url("/c")] * 3, local_watch(per_host_delay=0, per_host_concurrency=4))
    times = [r.time for r in server.requests("/c")]
    assert len(times) == 3
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.25


def test_robots_rules_expose_sitemaps_and_request_rate(server, local_watch):
    body = robots_txt(sitemaps=[server.url("/sitemap.xml")]) + "Request-rate: 1/4\n"
    server.set("/robots.txt", body, content_type="text/plain")

    async def run():
        async with Fetcher() as fetcher:
            return await fetcher.robots(server.url("/any/page"), local_watch())

    rules = asyncio.run(run())
    assert rules.sitemaps == (server.url("/sitemap.xml"),)
    assert rules.crawl_delay("citywatch/0.1") == 4.0
    assert server.count("/robots.txt") == 1


# -- HostGates with a fake clock -----------------------------------------------------------


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def test_gate_spaces_starts_by_the_delay_and_serves_waiters_in_order():
    fake = FakeTime()
    gates = HostGates(clock=fake.clock, sleep=fake.sleep)
    started: list[tuple[int, float]] = []

    async def one(i: int) -> None:
        async with gates.slot("h", concurrency=1, delay=2.0):
            started.append((i, fake.now))

    async def main() -> None:
        await asyncio.gather(*(one(i) for i in range(4)))

    asyncio.run(main())
    assert [i for i, _ in started] == [0, 1, 2, 3]
    assert [t for _, t in started] == [100.0, 102.0, 104.0, 106.0]


def test_gate_slot_is_given_back_when_a_waiter_is_cancelled():
    gates = HostGates()

    async def main() -> int:
        hold = asyncio.Event()

        async def holder() -> None:
            async with gates.slot("h", concurrency=1, delay=0):
                await hold.wait()

        first = asyncio.create_task(holder())
        await asyncio.sleep(0)
        waiter = asyncio.create_task(holder())
        await asyncio.sleep(0)
        waiter.cancel()
        hold.set()
        await first
        with pytest.raises(asyncio.CancelledError):
            await waiter
        async with gates.slot("h", concurrency=1, delay=0):
            return gates.in_flight("h")

    assert asyncio.run(main()) == 1


def test_a_strict_watch_is_not_opened_wider_by_a_generous_one():
    gates = HostGates()
    peak = {"strict": 0}

    async def main() -> None:
        async def user(limit: int, kind: str) -> None:
            async with gates.slot("h", concurrency=limit, delay=0):
                if kind == "strict":
                    peak["strict"] = max(peak["strict"], gates.in_flight("h"))
                await asyncio.sleep(0.01)

        await asyncio.gather(*(user(5, "generous") for _ in range(5)), user(1, "strict"))

    asyncio.run(main())
    assert peak["strict"] == 1


# -- spreading checks -----------------------------------------------------------------------


def test_jittered_stays_within_the_fraction_and_varies():
    rng = random.Random(7)
    values = [jittered(100.0, 0.1, rng) for _ in range(200)]
    assert all(90.0 <= v <= 110.0 for v in values)
    assert max(values) - min(values) > 10.0
    assert jittered(0.0, 0.5, rng) == 0.0


def test_stagger_puts_one_check_in_each_slice_of_the_window():
    offsets = stagger(6, 60.0, random.Random(1))
    assert len(offsets) == 6
    for i, offset in enumerate(offsets):
        assert i * 10.0 <= offset < (i + 1) * 10.0
    assert stagger(0, 60.0) == []


def test_stable_offset_is_fixed_per_key_and_spread_between_keys():
    assert stable_offset("saitama-history", 3600) == stable_offset("saitama-history", 3600)
    offsets = {stable_offset(f"watch-{i}", 3600) for i in range(50)}
    assert len(offsets) == 50
    assert all(0 <= o < 3600 for o in offsets)
    assert max(offsets) - min(offsets) > 1800


def test_gate_waits_use_the_injected_sleep(server, local_watch):
    """The fetcher's own waits go through `sleep`, so a scheduler can drive time in tests."""
    server.set("/s", "x", content_type="text/plain")
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    watch = local_watch(per_host_delay=30, per_host_concurrency=1, respect_robots=False)
    started = time.monotonic()
    run_all([server.url("/s")] * 3, watch, sleep=sleep)
    assert time.monotonic() - started < 10  # nothing really slept 60 s
    # start times reserved 30 s apart; a fake sleep does not move the clock, so they add up
    assert len(waits) == 2
    assert 29 < waits[0] <= 30 and 59 < waits[1] <= 60
