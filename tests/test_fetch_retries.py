"""Retries and timeouts against a server that fails on purpose: Retry-After, backoff, giving up
with the last error, servers that never answer or trickle, and resets."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from citywatch import defaults
from citywatch.errors import FetchError
from scraper import Fetcher
from scraper.retry import backoff, retry_after, should_retry_status
from tests.support.httpserver import Response, fail_then, hang, reset_connection, slow, status


class Waits:
    """A sleep that records what it was asked to wait and returns at once."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def fetch(url, watch, **kwargs):
    async def run():
        async with Fetcher(**kwargs) as fetcher:
            return await fetcher.fetch(url, watch)

    return asyncio.run(run())


def test_503_with_retry_after_succeeds_on_the_retry_after_waiting_as_told(server, local_watch):
    server.route("/busy", fail_then(1, Response(body=b"<p>ok</p>"), retry_after="1"))
    waits = Waits()
    result = fetch(server.url("/busy"), local_watch(respect_robots=False), sleep=waits)
    assert result.text == "<p>ok</p>"
    assert result.attempts == 2
    assert server.count("/busy") == 2
    assert waits.seconds == [1.0]


def test_retry_after_as_an_http_date_is_honoured(server, local_watch):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    server.route("/busy", fail_then(1, Response(body=b"ok"), code=429, retry_after=when))
    waits = Waits()
    fetch(server.url("/busy"), local_watch(respect_robots=False), sleep=waits)
    assert len(waits.seconds) == 1 and 1.0 < waits.seconds[0] <= 3.0


def test_a_retry_after_beyond_the_watch_timeout_fails_at_once_with_the_reason(server, local_watch):
    server.route("/busy", fail_then(1, Response(body=b"ok"), retry_after="86400"))
    waits = Waits()
    with pytest.raises(FetchError, match="retry after 120 s"):
        fetch(server.url("/busy"), local_watch(respect_robots=False), sleep=waits)
    assert waits.seconds == [] and server.count("/busy") == 1


def test_failures_then_success_back_off_exponentially(server, local_watch):
    server.route("/flaky", fail_then(3, Response(body=b"ok"), code=502))
    waits = Waits()
    result = fetch(server.url("/flaky"), local_watch(retries=3, respect_robots=False), sleep=waits)
    assert result.attempts == 4 and server.count("/flaky") == 4
    base = defaults.RETRY_BACKOFF
    for n, wait in enumerate(waits.seconds, start=1):
        full = base * 2 ** (n - 1)
        assert full / 2 <= wait <= full


def test_giving_up_reports_the_last_error_and_the_number_of_tries(server, local_watch):
    server.route("/down", status(503))
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/down"), local_watch(retries=3, respect_robots=False), sleep=Waits())
    error = caught.value
    assert error.message == "HTTP 503 after 4 tries"
    assert error.context["status"] == 503
    assert error.context["attempts"] == 4
    assert error.context["url"] == server.url("/down")
    assert server.count("/down") == 4


def test_a_server_that_never_answers_times_out_and_the_others_still_finish(server, local_watch):
    server.route("/never", hang())
    for i in range(5):
        server.set(f"/ok{i}", f"<p>{i}</p>")
    watch = local_watch(timeout=1, retries=0, respect_robots=False)

    async def run():
        async with Fetcher() as fetcher:
            urls = [server.url("/never")] + [server.url(f"/ok{i}") for i in range(5)]
            return await asyncio.gather(
                *(fetcher.fetch(u, watch) for u in urls), return_exceptions=True
            )

    started = time.monotonic()
    results = asyncio.run(run())
    assert time.monotonic() - started < 4  # the deadline held; nothing waited for the hang
    assert isinstance(results[0], FetchError)
    assert results[0].message == "timed out after 1 s"
    assert [r.text for r in results[1:]] == [f"<p>{i}</p>" for i in range(5)]


def test_a_byte_a_second_cannot_stretch_the_total_timeout(server, local_watch):
    server.route("/trickle", slow(b"x" * 100, interval=0.2))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^timed out after 1.5 s"):
        fetch(server.url("/trickle"), local_watch(timeout=1.5, retries=0, respect_robots=False))
    # each byte arrives well inside the 20 s read timeout; only the total deadline stops it
    assert time.monotonic() - started < 3.5
    assert server.count("/trickle") == 1


def test_timeouts_are_retried(server, local_watch):
    server.route("/never", hang())
    with pytest.raises(FetchError) as caught:
        fetch(
            server.url("/never"),
            local_watch(timeout=0.5, retries=1, respect_robots=False),
            sleep=Waits(),
        )
    assert caught.value.context["attempts"] == 2
    assert server.count("/never") == 2


def test_a_connection_reset_is_retried_then_reported(server, local_watch):
    server.route("/reset", reset_connection())
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/reset"), local_watch(retries=1, respect_robots=False), sleep=Waits())
    assert caught.value.context["attempts"] == 2
    assert server.count("/reset") == 2
    assert "after 2 tries" in caught.value.message


def test_a_refused_connection_is_a_fetch_error(local_watch):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="cannot connect"):
        fetch(f"http://127.0.0.1:{port}/", local_watch(retries=0))


# -- the arithmetic -------------------------------------------------------------------------


def test_backoff_doubles_with_jitter_and_is_capped():
    rng = random.Random(3)
    for attempt in range(1, 6):
        full = 0.5 * 2 ** (attempt - 1)
        wait = backoff(attempt, base=0.5, cap=100, rng=rng)
        assert full / 2 <= wait <= full
    assert backoff(30, base=0.5, cap=10, rng=rng) <= 10


def test_retry_after_reads_seconds_and_dates_and_rejects_nonsense():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after("7", now=now) == 7.0
    assert retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == 30.0
    assert retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0
    assert retry_after("999999", now=now, cap=60) == 60
    assert retry_after("soon", now=now) is None
    assert retry_after(None) is None


def test_which_statuses_are_retried():
    assert should_retry_status(429) and should_retry_status(500) and should_retry_status(503)
    assert not should_retry_status(404) and not should_retry_status(403)
