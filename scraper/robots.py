"""robots.txt, fetched once per origin and kept for a while (parsed by protego).

The rules follow RFC 9309 where it is kind to small sites and the project brief where it is
not: a missing robots.txt (any 4xx) allows everything; a robots.txt that cannot be fetched
(network error, 5xx) also allows, but is logged, because one flaky robots.txt must not silence
a watch. Crawl-delay (or Request-rate) becomes a floor under the watch's per-host delay.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from protego import Protego

from citywatch.errors import FetchError
from citywatch.sources import Watch

__all__ = ["ROBOTS_MAX_BYTES", "RobotsCache", "RobotsRules", "robots_url"]

log = logging.getLogger(__name__)

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 lets crawlers stop reading after 500 KiB
_TTL = 3600.0  # seconds a robots.txt is trusted (RFC 9309: at most 24 hours)
_FAILURE_TTL = 300.0  # a failed robots fetch is retried sooner

Loader = Callable[[str, Watch], Awaitable[tuple[int, bytes]]]


def robots_url(origin: str) -> str:
    """`https://host:port` -> `https://host:port/robots.txt`."""
    return origin.rstrip("/") + "/robots.txt"


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """One origin's rules; `parser` None means everything is allowed."""

    parser: Protego | None = None
    note: str = "ok"
    sitemaps: tuple[str, ...] = field(default=())

    def allowed(self, url: str, user_agent: str) -> bool:
        return self.parser is None or bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        """Seconds to leave between requests, from Crawl-delay or Request-rate, if given."""
        if self.parser is None:
            return None
        delays = []
        delay = self.parser.crawl_delay(user_agent)
        if delay is not None:
            delays.append(float(delay))
        rate = self.parser.request_rate(user_agent)
        if rate is not None and rate.requests:
            delays.append(rate.seconds / rate.requests)
        return max(delays) if delays else None


ALLOW_ALL = RobotsRules(note="allow-all")


def _parse(body: bytes) -> RobotsRules:
    text = body.decode("utf-8", errors="replace")
    parser = Protego.parse(text)
    return RobotsRules(parser=parser, sitemaps=tuple(parser.sitemaps))


class RobotsCache:
    """Loads each origin's robots.txt once (concurrent callers share one load) and caches it."""

    def __init__(self, loader: Loader, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._loader = loader
        self._clock = clock
        self._cache: dict[str, tuple[float, RobotsRules]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _cached(self, origin: str) -> RobotsRules | None:
        hit = self._cache.get(origin)
        return hit[1] if hit is not None and hit[0] > self._clock() else None

    async def rules(self, origin: str, watch: Watch) -> RobotsRules:
        """The rules for `origin` (scheme://host[:port]), loading them on first use."""
        rules = self._cached(origin)
        if rules is not None:
            return rules
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            rules = self._cached(origin)
            if rules is None:
                rules, ttl = await self._load(origin, watch)
                self._cache[origin] = (self._clock() + ttl, rules)
            return rules

    async def _load(self, origin: str, watch: Watch) -> tuple[RobotsRules, float]:
        url = robots_url(origin)
        try:
            status, body = await self._loader(url, watch)
        except FetchError as exc:
            log.warning("robots.txt not fetched, allowing all: %s", exc, extra={"url": url})
            return RobotsRules(note=f"unavailable: {exc.message}"), _FAILURE_TTL
        if 200 <= status < 300:
            return _parse(body), _TTL
        if 400 <= status < 500:
            return ALLOW_ALL, _TTL
        log.warning("robots.txt gave HTTP %s, allowing all", status, extra={"url": url})
        return RobotsRules(note=f"unavailable: HTTP {status}"), _FAILURE_TTL

    def forget(self) -> None:
        """Drop every cached robots.txt (a daemon may call this between long pauses)."""
        self._cache.clear()
