"""Being a guest small municipal servers never notice: per-host limits and spreading checks out.

`HostGates` holds, for every host, a concurrency limit and a minimum spacing between request
starts. Waiters are served first come, first served, and each request brings its own limit
(the watch's `per_host_concurrency`), so one generous watch cannot open the gate wider for a
strict one. The jitter helpers are for the scheduler: checks due at the same time are spread
over a window instead of all firing at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from citywatch import defaults

__all__ = ["HostGates", "jittered", "stable_offset", "stagger"]

Sleep = Callable[[float], Awaitable[None]]


class _Gate:
    """FIFO limiter for one host whose limit is given per acquire."""

    __slots__ = ("active", "next_start", "waiters")

    def __init__(self) -> None:
        self.active = 0
        self.next_start = float("-inf")
        self.waiters: deque[tuple[int, asyncio.Future[None]]] = deque()

    async def acquire(self, limit: int) -> None:
        if not self.waiters and self.active < limit:
            self.active += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (limit, future)
        self.waiters.append(entry)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # the slot was handed over just as we were cancelled
            else:
                if entry in self.waiters:
                    self.waiters.remove(entry)
                self._wake()
            raise

    def release(self) -> None:
        self.active -= 1
        self._wake()

    def _wake(self) -> None:
        while self.waiters and self.active < self.waiters[0][0]:
            _, future = self.waiters.popleft()
            if not future.done():
                self.active += 1
                future.set_result(None)


class HostGates:
    """Per-host concurrency and spacing, shared by every fetch of one Fetcher."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._gates: dict[str, _Gate] = {}

    @asynccontextmanager
    async def slot(self, host: str, *, concurrency: int, delay: float) -> AsyncIterator[None]:
        """Hold one of `concurrency` slots for `host`, starting at least `delay` s after the
        previous request to it started."""
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _Gate()
        await gate.acquire(max(1, concurrency))
        try:
            now = self._clock()
            start = max(now, gate.next_start)
            gate.next_start = start + max(0.0, delay)
            if start > now:
                await self._sleep(start - now)
            yield
        finally:
            gate.release()

    def in_flight(self, host: str) -> int:
        """Requests to `host` holding a slot now (for tests and status)."""
        gate = self._gates.get(host)
        return gate.active if gate is not None else 0


def jittered(
    delay: float, fraction: float = defaults.JITTER_FRACTION, rng: random.Random | None = None
) -> float:
    """`delay` moved by up to ±`fraction` of itself, uniformly; never negative."""
    pick = (rng or random).uniform(-fraction, fraction)
    return max(0.0, delay * (1.0 + pick))


def stagger(count: int, window: float, rng: random.Random | None = None) -> list[float]:
    """Start offsets in [0, window) for `count` checks: the window is cut into equal slices and
    each check starts at a random point of its own slice, so they never bunch up."""
    if count <= 0:
        return []
    step = max(0.0, window) / count
    pick = rng or random
    return [(i + pick.random()) * step for i in range(count)]


def stable_offset(key: str, window: float) -> float:
    """A fixed offset in [0, window) for `key` (a watch id), the same after every restart, so a
    daemon that restarts does not bring all its checks back into step."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 * max(0.0, window)
