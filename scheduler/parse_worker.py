"""What runs in a parse process, and the pool that runs it.

A spawned worker imports the module of every function it is sent in order to unpickle it, so
this module imports only the standard library and `citywatch` at the top, and `parsers` where
a function needs it: the worker then holds the parsers and nothing of the crawl stack
(SQLAlchemy, httpx, the store), and the process that sends work never imports the parsers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from citywatch import defaults

if TYPE_CHECKING:
    from citywatch.model import ParseResult

__all__ = [
    "SITES",
    "ParsePool",
    "crawl_pool",
    "home_names",
    "known_sites",
    "parse_bytes",
    "spawn_pool",
]

log = logging.getLogger(__name__)

T = TypeVar("T")


def parse_bytes(
    body: bytes,
    url: str,
    site: str,
    city: str | None,
    content_type: str | None,
    encoding: str | None,
) -> ParseResult:
    """Top-level and plain-valued so a process pool can run it."""
    import parsers
    from citywatch.model import Page

    page = Page(body=body, url=url, content_type=content_type, encoding=encoding, city=city)
    return parsers.parse_page(page, site)


#: The sites `parsers` has a parser for, named here so that reading a watch list does not import
#: the parsers (a third of a second, 34 MiB) in a process that may never parse; a test checks
#: it against the parsers' own registry.
SITES = ("citynet", "clair", "generic", "prtimes", "saitama", "yokohama", "yokohama-pdf")


def known_sites() -> tuple[str, ...]:
    """The site parsers there are, without importing them."""
    return SITES


def home_names(cities: Iterable[tuple[str, str | None]]) -> dict[str, str | None]:
    """Watch id -> its home city as messages name it ('さいたま市'), for (watch id, city) pairs.

    Runs in a daemon's parse process, where the gazetteer is loaded anyway. An unknown city
    only costs the message its city name."""
    named = [(watch_id, city) for watch_id, city in cities if city]
    if not named:  # the parsers (and their gazetteer) load only to name a city
        return {}
    try:
        from parsers.extract.places import home
    except ImportError:
        return {}
    names: dict[str, str | None] = {}
    cache: dict[str, str | None] = {}
    for watch_id, city in named:
        if city not in cache:
            try:
                found = home(city)
                cache[city] = next(
                    (n for n in found.names if n.endswith(found.office)), found.place.name
                )
            except Exception:
                cache[city] = None
        names[watch_id] = cache[city]
    return names


def _ignore_interrupts(parent: int | None = None) -> None:
    """Parse workers leave signals to their parent, which stops them itself (no tracebacks),
    and end when their parent is gone (killed with SIGKILL, it cannot stop them)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        threading.Thread(
            target=_exit_with_parent, args=(parent,), name="citywatch-parent", daemon=True
        ).start()


def _exit_with_parent(parent: int) -> None:
    """Poll the parent: a process whose parent died is given another (init or a subreaper).
    Polling works everywhere and, unlike PR_SET_PDEATHSIG, does not fire when merely the
    thread that started the worker ends."""
    while os.getppid() == parent:
        time.sleep(defaults.PARSE_PARENT_POLL)
    os._exit(0)  # the parent is gone: nobody waits for this process's answers


def spawn_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of spawned processes that leave signals to this process and end when it dies:
    every pool a long-running command starts is made here, so none outlives a SIGKILL."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_ignore_interrupts,
        initargs=(os.getpid(),),
    )


class ParsePool(Executor):
    """A process pool that replaces itself when a worker dies (killed for memory, a crash in a
    native library): the parses in flight fail and are recorded as failed checks, the next
    ones go to a fresh pool, instead of every parse failing from then on.

    The pool is made at the first submit: making one starts multiprocessing's resource tracker
    (a process of its own), which a crawl where every page is unchanged never needs."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _new(self) -> ProcessPoolExecutor:
        return spawn_pool(self._workers)

    def _current(self, broken: ProcessPoolExecutor | None = None) -> ProcessPoolExecutor:
        """The pool to submit to: made now if there is none, replaced if it is `broken`."""
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if self._pool is not None and self._pool is broken:
                log.warning("a parse process died; starting a new one")
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
            if self._pool is None:
                self._pool = self._new()
            return self._pool

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        pool = self._current()
        try:
            return pool.submit(fn, *args, **kwargs)
        except BrokenProcessPool:
            return self._current(broken=pool).submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            pool, self._closed = self._pool, True
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def crawl_pool() -> ParsePool | None:
    """The parse pool for a one-off crawl: one process per core when there is more than one
    (parsing is CPU-bound); None on one core, where the crawl parses in a thread instead."""
    cores = os.cpu_count() or 1
    return ParsePool(cores) if cores > 1 else None
