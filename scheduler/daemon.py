"""`citywatch daemon`: check every watch on its own schedule and deliver alerts, for months.

Design:
- APScheduler 3's AsyncIOScheduler, one interval job per watch (job id = watch id, argument =
  watch id: nothing else per job). `Crawler.check_watch` is async and the one `Fetcher` is
  an httpx async client, so the jobs run on the loop itself; a thread pool would need a loop
  per thread or a lock around the shared client.
- The schedule is derived from the database, not kept in a job store: each watch's next run is
  its last check plus its interval. After a restart nothing runs early and nothing is lost;
  watches that are overdue or new start spread over a window (stable per watch id) instead of
  all at once.
- Parsing runs in a separate process (`--parse-workers`, default 1), so a long PDF parse cannot
  stall the loop; a failed check is retried sooner than its interval (`scheduler.retry`).
- Alerts go out from one thread that polls the outbox every `--alert-poll` seconds and is
  woken at once when a check queued something; apprise blocks, so it stays off the loop.
- sources.toml is re-read when its mtime, size or inode changes, or on SIGHUP; a broken file
  keeps the old list and logs one line.
- SIGTERM/SIGINT: no new checks; running checks get a grace period, then are cancelled (each
  check is written in one transaction, so a cancelled one leaves nothing half-done); exit 0
  well within 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from citywatch import defaults
from citywatch.errors import CitywatchError
from citywatch.settings import Settings
from citywatch.sources import Sources, Watch, merge_alert_urls
from scheduler import service
from scheduler.parse_worker import ParsePool
from scheduler.retry import Retries

if TYPE_CHECKING:
    from scheduler.alerts import Backoff
    from snapshots import Store

__all__ = [
    "DaemonOptions",
    "Deliverer",
    "ParsePool",
    "add_subcommand",
    "cmd_daemon",
    "first_run",
    "run_daemon",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DaemonOptions:
    """What the command line decides beyond the settings."""

    alert_initial: bool = False
    alert_poll: float = defaults.ALERT_POLL
    retry_base: float = defaults.ALERT_RETRY_BASE
    retry_max: float = defaults.ALERT_RETRY_MAX
    parse_workers: int = defaults.PARSE_WORKERS
    concurrency: int = defaults.CHECK_CONCURRENCY

    @property
    def backoff(self) -> Backoff:
        from scheduler.alerts import Backoff

        return Backoff(base=self.retry_base, max=max(self.retry_max, self.retry_base))


def first_run(
    watch_id: str, interval: float, last_check: datetime | None, now: datetime
) -> datetime:
    """When a watch should next be checked, given its last check.

    Not yet due: last check + interval. Overdue or never checked: soon, at an offset that is
    fixed for the watch id within min(interval, STARTUP_SPREAD), so a restart after
    downtime or a cold start with thousands of watches spreads the load."""
    if last_check is not None:
        due = last_check + timedelta(seconds=interval)
        if due > now:
            return due
    from scraper import stable_offset

    return now + timedelta(seconds=stable_offset(watch_id, min(interval, defaults.STARTUP_SPREAD)))


class Deliverer(threading.Thread):
    """The outbox poller: one thread, woken early when a check queued something."""

    def __init__(self, store: Store, settings: Settings, options: DaemonOptions) -> None:
        super().__init__(name="citywatch-alerts", daemon=True)
        self._store = store
        self._settings = settings
        self._options = options
        self._wake = threading.Event()
        self.stopping = threading.Event()
        self.sources: Sources | None = None
        self.unchecked: set[str] = set()  # channels not yet shown to apprise
        self._homes: Future[Mapping[str, str | None]] | Mapping[str, str | None] = {}

    def set_homes(self, homes: Future[Mapping[str, str | None]] | Mapping[str, str | None]) -> None:
        """Home city names, or a future of them (looked up in the parse process); resolved
        here, off the loop, on the next delivery."""
        self._homes = homes

    def homes(self) -> Mapping[str, str | None]:
        pending = self._homes
        if not isinstance(pending, Future):
            return pending
        while not pending.done():  # the parse process may still be starting
            if self.stopping.wait(0.1):
                return {}
        try:
            found = pending.result()
        except Exception as exc:  # messages then say 'here' instead of the city's name
            log.warning("cannot look up the home cities: %s", exc)
            found = {}
        if self._homes is pending:
            self._homes = found
        return found

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float) -> None:
        self.stopping.set()
        self._wake.set()
        self.join(timeout)
        if self.is_alive():
            log.warning("alert delivery still busy at exit; an unmarked alert is sent again")

    def run(self) -> None:
        while not self.stopping.is_set():
            self._wake.clear()
            sources = self.sources
            if sources is not None:
                self._deliver(sources)
            self._wake.wait(self._options.alert_poll)

    def _deliver(self, sources: Sources) -> None:
        from scheduler.alerts import deliver_pending

        try:
            report = deliver_pending(
                self._store,
                sources,
                self._settings,
                backoff=self._options.backoff,
                homes=self.homes(),
                stop=self.stopping,
            )
        except CitywatchError as exc:
            log.error("alert delivery: %s", exc.one_line())
            return
        except Exception:  # a bug here must not end delivery for the months to come
            log.exception("alert delivery failed unexpectedly")
            return
        finally:
            self._check_channels()
        if report.delivered or report.failed:
            log.info(
                "alerts: %d delivered, %d failed, %d feed entries",
                report.delivered,
                report.failed,
                report.feed_entries,
            )

    def _check_channels(self) -> None:
        """Warn once of each channel apprise cannot read. apprise and its plugins (some 40 MiB)
        are loaded to send an alert, so channels are checked once they are, not at start-up."""
        if not self.unchecked or "apprise" not in sys.modules:
            return
        from scheduler.alerts import FEED_CHANNEL, show_channel
        from scheduler.redact import load_apprise

        apprise = load_apprise()
        channels, self.unchecked = self.unchecked, set()
        for url in sorted(channels - {FEED_CHANNEL}):
            if not apprise.Apprise.instantiate(url, suppress_exceptions=True):
                log.warning("alert channel %s is not a URL apprise understands", show_channel(url))


class _Daemon:
    """The running daemon: scheduler, crawler, deliverer and the watch list they share."""

    def __init__(
        self,
        settings: Settings,
        options: DaemonOptions,
        sources: Sources,
        store: Store,
        load: Callable[[], Sources],
    ) -> None:
        self.settings = settings
        self.options = options
        self.sources = sources
        self.store = store
        self.watches: dict[str, Watch] = {w.id: w for w in sources.watches}
        self._running: set[asyncio.Task[Any]] = set()
        self._stop = asyncio.Event()
        self._file = service.SourcesFile(settings.sources_path, load, log)
        self._executor: Executor | None = None
        self._slots = asyncio.Semaphore(options.concurrency)
        self.deliverer = Deliverer(store, settings, options)

    # --- life cycle -----------------------------------------------------------------------

    async def run(self) -> int:
        from scheduler.alerts import with_feed_channel
        from scheduler.crawl import Crawler
        from scraper import Fetcher

        service.on_signals(self._stop, self._file.reload)
        if self.options.parse_workers > 0:  # the parsers live there, not in this process
            self._executor = ParsePool(self.options.parse_workers)
        self.scheduler = service.interval_scheduler()
        self.retries = Retries(self.scheduler, self._check)
        started = time.monotonic()
        try:
            async with Fetcher(user_agent=self.sources.defaults.user_agent) as fetcher:
                self._fetcher = fetcher
                self.crawler = Crawler(
                    self.store,
                    with_feed_channel(self.sources),
                    alert_initial=self.options.alert_initial,
                    executor=self._executor,
                    fetcher=fetcher,
                )
                self._adopt(self.sources, initial=True)
                self.scheduler.start()
                self.deliverer.start()
                log.info(
                    "daemon started: %d watches from %s, database %s",
                    len(self.watches),
                    self.settings.sources_path,
                    self.store.url,
                )
                watcher = asyncio.create_task(self._file.follow(self._apply))
                await self._stop.wait()
                started = time.monotonic()
                log.info("stopping: %d checks running", len(self._running))
                watcher.cancel()
                self.scheduler.pause()
                await self._finish_checks()
                self.crawler.flush()  # unchanged checks waiting for their batch
        finally:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)
            left = defaults.STOP_DEADLINE - (time.monotonic() - started)
            if self.deliverer.is_alive():
                self.deliverer.stop(timeout=max(0.5, left - 1.5))
            service.stop_executor(self._executor)
        log.info("stopped")
        return 0

    async def _finish_checks(self) -> None:
        running = set(self._running)
        if running:
            _done, pending = await asyncio.wait(running, timeout=defaults.STOP_GRACE)
            for task in pending:
                task.cancel()
            if pending:
                log.warning("abandoned %d checks still running at stop", len(pending))
                await asyncio.wait(pending, timeout=1.0)

    # --- the watch list -------------------------------------------------------------------

    def _adopt(self, sources: Sources, *, initial: bool = False) -> None:
        """Make `sources` the watch list: jobs added, removed or rescheduled to match."""
        from scheduler.alerts import with_feed_channel
        from scheduler.redact import protect_logs

        old = {} if initial else self.watches
        new = {w.id: w for w in sources.watches}
        last = service.last_checks(self.store, log)
        now = datetime.now(UTC)

        def trigger(watch: Watch) -> Any:
            start = first_run(watch.id, watch.interval, last.get(watch.id), now)
            return self._trigger(watch, start)

        service.sync_jobs(self.scheduler, old, new, trigger, self._check)
        self.sources = sources
        self.watches = new
        self.crawler.sources = with_feed_channel(sources)
        channels = {url for w in sources.watches for url in merge_alert_urls(sources, w)}
        protect_logs(channels)
        self.deliverer.unchecked = self.deliverer.unchecked | channels
        self.deliverer.set_homes(self._homes(sources))
        self.deliverer.sources = sources
        if not initial:
            added, removed = new.keys() - old.keys(), old.keys() - new.keys()
            log.info(
                "watch list reloaded: %d watches (%d added, %d removed)",
                len(new),
                len(added),
                len(removed),
            )

    def _trigger(self, watch: Watch, start: datetime) -> Any:
        from apscheduler.triggers.interval import IntervalTrigger

        interval = max(watch.interval, 1.0)
        return IntervalTrigger(
            seconds=interval,
            start_date=start,
            jitter=interval * defaults.JITTER_FRACTION or None,
            timezone=UTC,
        )

    def _homes(
        self, sources: Sources
    ) -> Future[Mapping[str, str | None]] | Mapping[str, str | None]:
        from scheduler.alerts import watch_cities
        from scheduler.parse_worker import home_names

        cities = watch_cities(sources)
        if self._executor is None:
            return home_names(cities)
        return self._executor.submit(home_names, cities)

    async def _apply(self, sources: Sources) -> None:
        self._adopt(sources)

    # --- one check ------------------------------------------------------------------------

    async def _check(self, watch_id: str) -> None:
        watch = self.watches.get(watch_id)
        if watch is None or self._stop.is_set():
            return
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            async with self._slots:
                if self._stop.is_set():
                    return
                outcomes = await self.crawler.check_watch(self._fetcher, watch)
        except CitywatchError as exc:
            log.error("check of %s: %s", watch_id, exc.one_line())
            return
        except asyncio.CancelledError:  # abandoned at stop; each page is stored whole or not
            log.info("check of %s abandoned", watch_id)
            return
        except Exception:  # a bug in one check must not stop the daemon
            log.exception("check of %s failed unexpectedly", watch_id)
            return
        finally:
            self._running.discard(task)
        service.log_outcomes(log, watch_id, outcomes)
        self.retries.after(watch_id, watch.interval, outcomes)
        if any(o.events for o in outcomes):
            self.deliverer.wake()


async def run_daemon(
    settings: Settings, options: DaemonOptions, args: argparse.Namespace | None = None
) -> int:
    """Run until SIGTERM or SIGINT. Bad configuration at start raises ConfigError."""
    from scheduler.serve import beside_daemon
    from scheduler.service import open_store

    load = service.sources_loader(settings)
    sources = load()
    with open_store(settings) as store:
        daemon = _Daemon(settings, options, sources, store, load)
        async with beside_daemon(args, settings, sources, store):  # --serve HOST:PORT
            return await daemon.run()


def add_subcommand(sub: Any) -> None:
    """Add `daemon` to the CLI's subparsers."""
    p = sub.add_parser(
        "daemon", help="check each watch on its schedule and send alerts, until stopped"
    )
    service.add_store_options(
        p, db_help="database URL (default: $CITYWATCH_DB or sqlite:///citywatch.db)"
    )
    service.add_check_options(p, zero="parse in the daemon itself")
    service.add_alert_options(p)
    from scheduler.serve import add_daemon_options

    add_daemon_options(p)


def cmd_daemon(args: argparse.Namespace, settings: Settings) -> int:
    service.check_parse_workers(args)
    service.catch_early_signals()
    options = DaemonOptions(
        alert_initial=args.alert_initial,
        alert_poll=args.alert_poll,
        retry_base=args.alert_retry,
        parse_workers=args.parse_workers,
    )
    service.say_life_cycle(args, settings)
    return asyncio.run(run_daemon(settings, options, args))
