"""`citywatch worker`: run the fleet's checks, as many at once as `--concurrency`, until stopped
(or, with `--drain`, until the queue is empty).

A worker is a procrastinate worker with citywatch's runtime: one store, one HTTP client and
one crawler for all its jobs; parsing in a separate process (as in the daemon), so a long parse
never holds up the event loop that sends the worker's heartbeats. SIGTERM/SIGINT: no new jobs;
running checks get `--graceful` seconds, then are cut short and go back to the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from citywatch import defaults
from citywatch.settings import Settings
from citywatch.sources import Sources
from scheduler import service

__all__ = ["WorkerOptions", "run_worker", "touch_alive"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """What the command line decides beyond the settings."""

    concurrency: int = defaults.FLEET_WORKER_CONCURRENCY
    parse_workers: int = defaults.PARSE_WORKERS
    heartbeat: float = defaults.FLEET_HEARTBEAT
    stalled_after: float = defaults.FLEET_STALLED_AFTER
    graceful: float = defaults.FLEET_GRACEFUL
    poll: float = defaults.FLEET_FETCH_POLL
    keep_jobs: bool = False
    drain: bool = False
    alert_initial: bool = False
    name: str | None = None
    alive_file: str | None = None


async def touch_alive(path: str | None, every: float = defaults.FLEET_ALIVE_EVERY) -> None:
    """Touch `path` while the event loop runs: a container health check reads its age."""
    if not path:
        return
    target = Path(path)
    while True:
        with contextlib.suppress(OSError):
            target.touch()
        await asyncio.sleep(every)


def _executor(parse_workers: int) -> Executor:
    if parse_workers < 1:  # a thread: the loop (and so the heartbeat) still runs while parsing
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="citywatch-parse")
    from scheduler.parse_worker import ParsePool

    return ParsePool(parse_workers)


def _warm_up(executor: Executor, sources: Sources) -> None:
    """Load the parsers' gazetteer in the parse process before taking jobs, so the first
    checks are not the slow ones."""
    from scheduler.alerts import home_names, watch_cities

    cities = [pair for pair in watch_cities(sources) if pair[1]][:1]
    if cities:
        with contextlib.suppress(Exception):
            executor.submit(home_names, cities).result(timeout=defaults.FLEET_WARM_UP_TIMEOUT)


async def run_worker(settings: Settings, options: WorkerOptions) -> int:
    """Run until SIGTERM or SIGINT. Bad configuration at start raises ConfigError."""
    from scheduler.alerts import with_feed_channel
    from scheduler.crawl import Crawler
    from scheduler.fleet.queue import QUEUE, build_app, open_fleet_store, require_postgres
    from scheduler.fleet.tasks import RUNTIME, WorkerRuntime, register
    from scraper import Fetcher

    require_postgres(settings.db_url)
    load = service.sources_loader(settings)
    sources = load()
    store = await open_fleet_store(settings.db_url)
    name = options.name or f"{socket.gethostname()}:{os.getpid()}"
    executor: Executor | None = None
    try:
        executor = _executor(options.parse_workers)
        await asyncio.to_thread(_warm_up, executor, sources)
        pool_size = min(defaults.FLEET_WORKER_POOL_MAX, options.concurrency // 2 + 3)
        app = build_app(settings.db_url, pool_size=pool_size)
        register(app)
        async with (
            app.open_async(),
            Fetcher(user_agent=sources.defaults.user_agent) as fetcher,
        ):
            crawler = Crawler(
                store,
                with_feed_channel(sources),
                alert_initial=options.alert_initial,
                executor=executor,
                fetcher=fetcher,
            )
            runtime = WorkerRuntime(store, crawler, fetcher, load, settings.sources_path)
            alive = asyncio.create_task(touch_alive(options.alive_file))
            log.info(
                "worker %s ready: %d watches, %d checks at once, database %s",
                name,
                len(sources.watches),
                options.concurrency,
                store.url,
            )
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    name=name,
                    concurrency=options.concurrency,
                    update_heartbeat_interval=options.heartbeat,
                    stalled_worker_timeout=options.stalled_after,
                    shutdown_graceful_timeout=options.graceful,
                    fetch_job_polling_interval=options.poll,
                    delete_jobs="never" if options.keep_jobs else "successful",
                    additional_context={RUNTIME: runtime},
                    wait=not options.drain,
                    install_signal_handlers=not options.drain,
                )
            finally:
                alive.cancel()
    finally:
        service.stop_executor(executor)
        store.close()
    log.info("worker %s stopped", name)
    return 0
