"""What the long-running commands share: `citywatch daemon`, `citywatch scheduler` and
`citywatch worker` take the same options for the same things, and the daemon and the fleet
scheduler keep time, answer signals, follow sources.toml and stop the same way.

Written once here so the commands cannot drift apart. Cheap to import (the CLI imports it to
build its parser): APScheduler is imported only when a scheduler is built.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from citywatch import defaults
from citywatch.errors import ConfigError, StorageError
from citywatch.settings import Settings
from citywatch.sources import Sources, Watch, load_sources, parse_duration
from scheduler.notifier import check_channels

if TYPE_CHECKING:
    from scheduler.crawl import PageOutcome
    from snapshots import Store

__all__ = [
    "SourcesFile",
    "add_alert_options",
    "add_check_options",
    "add_duration",
    "add_store_options",
    "catch_early_signals",
    "check_parse_workers",
    "duration",
    "file_key",
    "interval_scheduler",
    "last_checks",
    "log_outcomes",
    "on_signals",
    "open_store",
    "say_life_cycle",
    "sources_loader",
    "stop_executor",
    "sync_jobs",
]

# --- the command line --------------------------------------------------------------------------


def duration(text: str) -> float:
    """An argparse type: '30s', '5m', '6h' or plain seconds, more than zero."""
    try:
        value = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than zero")
    return value


def add_duration(p: argparse.ArgumentParser, flag: str, default: float, help: str) -> None:
    p.add_argument(flag, type=duration, default=default, metavar="DURATION", help=help)


def add_store_options(p: argparse.ArgumentParser, *, db_help: str) -> None:
    """--sources and --db (settings.py reads them, with the environment as fallback)."""
    p.add_argument("--sources", help="watch list (default: $CITYWATCH_SOURCES or sources.toml)")
    p.add_argument("--db", help=db_help)


def add_alert_options(p: argparse.ArgumentParser) -> None:
    """--alert-poll and --alert-retry, for whichever process delivers the alerts."""
    add_duration(
        p,
        "--alert-poll",
        defaults.ALERT_POLL,
        f"how often to look for alerts to send or retry (default {defaults.ALERT_POLL:g}s)",
    )
    add_duration(
        p,
        "--alert-retry",
        defaults.ALERT_RETRY_BASE,
        "first retry delay of a failed alert; it doubles up to "
        f"{defaults.ALERT_RETRY_MAX / 3600:g}h (default {defaults.ALERT_RETRY_BASE:g}s)",
    )


def add_check_options(p: argparse.ArgumentParser, *, zero: str) -> None:
    """--alert-initial and --parse-workers, for whichever process runs the checks; `zero`
    says where it parses with `--parse-workers 0`."""
    p.add_argument(
        "--alert-initial",
        action="store_true",
        help="also alert on a watch's first check (its baseline)",
    )
    p.add_argument(
        "--parse-workers",
        type=int,
        default=defaults.PARSE_WORKERS,
        metavar="N",
        help=f"processes that parse pages (0: {zero}; default {defaults.PARSE_WORKERS})",
    )


def check_parse_workers(args: argparse.Namespace) -> None:
    if args.parse_workers < 0:
        raise ConfigError("--parse-workers cannot be negative")


def say_life_cycle(args: argparse.Namespace, settings: Settings) -> None:
    """A long-running process says when it starts, stops, reloads and fails even when told
    nothing; each check only with -v."""
    if getattr(args, "quiet", False):
        return
    if not getattr(args, "verbose", 0) and settings.log_level == "WARNING":
        level = min(logging.INFO, logging.getLogger().getEffectiveLevel())
        logging.getLogger("scheduler").setLevel(level)


# --- start, signals, stop ----------------------------------------------------------------------

_early_stop = threading.Event()


def catch_early_signals() -> None:
    """Until the loop runs, remember SIGTERM and SIGINT (`on_signals` then stops at once) and
    ignore SIGHUP (the file is about to be read): start-up (imports, migrations) takes a while."""
    _early_stop.clear()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: _early_stop.set())
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def on_signals(stop: asyncio.Event, reload: asyncio.Event) -> None:
    """On the running loop: SIGTERM and SIGINT set `stop`, SIGHUP sets `reload`."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    loop.add_signal_handler(signal.SIGHUP, reload.set)
    if _early_stop.is_set():  # asked to stop while starting up
        stop.set()


def _skipped_runs(record: logging.LogRecord) -> bool:
    """APScheduler warns each time a job outlasts its interval and the next run is skipped;
    that only means the next run starts later, which is not worth a warning per interval."""
    return "maximum number of running instances reached" not in str(record.msg)


def interval_scheduler() -> Any:
    """An APScheduler on the running loop, in UTC: a job runs once at a time, and runs missed
    while it was busy (or the loop was) make one late run, never none."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    root = logging.getLogger().getEffectiveLevel()
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, root))
    if root > logging.DEBUG:
        logging.getLogger("apscheduler.scheduler").addFilter(_skipped_runs)
    return AsyncIOScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )


def stop_executor(executor: Executor | None) -> None:
    """Stop a parse pool at once: a parse in progress is abandoned (its check was cancelled)."""
    if executor is None:
        return
    executor.shutdown(wait=False, cancel_futures=True)
    if isinstance(executor, ThreadPoolExecutor):
        return
    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(0.5)


# --- the watch list ----------------------------------------------------------------------------


def sources_loader(settings: Settings) -> Callable[[], Sources]:
    """Reads the watch list, checking site names without importing the parsers, and alert
    channels against apprise (the long-running commands deliver alerts)."""
    from scheduler.parse_worker import known_sites

    def load() -> Sources:
        return check_channels(load_sources(settings.sources_path, known_sites=known_sites()))

    return load


def file_key(path: str) -> tuple[int, int, int] | None:
    """What tells that a file changed (mtime, size, inode); None when it cannot be read."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


class SourcesFile:
    """sources.toml as a long-running process follows it: re-read on SIGHUP (`reload`) or when
    the file changes; a broken file keeps the previous list and says so once."""

    def __init__(self, path: str, load: Callable[[], Sources], log: logging.Logger) -> None:
        self.path = path
        self.reload = asyncio.Event()
        self._load = load
        self._log = log
        self._key = file_key(path)  # taken before the process reads the list it starts with

    async def follow(self, apply: Callable[[Sources], Awaitable[None]]) -> None:
        """Hand each new list to `apply`, until cancelled; its failure keeps the old list."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.reload.wait(), timeout=defaults.SOURCES_POLL)
            asked = self.reload.is_set()
            self.reload.clear()
            key = file_key(self.path)
            if not asked and key == self._key:
                continue
            self._key = key
            try:
                sources = self._load()
            except ConfigError as exc:
                self._log.warning("keeping the previous watch list: %s", exc.one_line())
                continue
            try:
                await apply(sources)
            except Exception:
                self._log.exception("could not apply the new watch list; keeping the previous one")


def last_checks(store: Store, log: logging.Logger) -> dict[str, datetime]:
    """Each watch's last check, which a schedule starts from; none when the store cannot say."""
    try:
        return {s.watch: s.last_check_at for s in store.status() if s.last_check_at}
    except StorageError as exc:
        log.error("cannot read the last checks, scheduling from now: %s", exc.one_line())
        return {}


def log_outcomes(log: logging.Logger, watch_id: str, outcomes: list[PageOutcome]) -> None:
    """One line per page: failures as warnings, changes at INFO, the rest at DEBUG."""
    for outcome in outcomes:
        if outcome.outcome == "failed":
            log.warning("%s: %s: %s", watch_id, outcome.url, outcome.error)
        else:
            log.log(
                logging.INFO if outcome.events else logging.DEBUG,
                "%s: %s: %s (%d events)",
                watch_id,
                outcome.url,
                outcome.outcome,
                len(outcome.events),
            )


def sync_jobs(
    scheduler: Any,
    old: Mapping[str, Watch],
    new: Mapping[str, Watch],
    trigger: Callable[[Watch], Any],
    job: Callable[[str], Awaitable[None]],
) -> None:
    """Make the scheduler's one job per watch (id = watch id) match the watch list `new`: the
    jobs of removed watches go, new watches get one, a watch whose interval changed gets
    `trigger(watch)`; every other job keeps its time."""
    for watch_id in old.keys() - new.keys():
        with contextlib.suppress(Exception):
            scheduler.remove_job(watch_id)
    for watch_id, watch in new.items():
        before = old.get(watch_id)
        if before is not None and before.interval == watch.interval:
            continue
        if before is None:
            scheduler.add_job(job, trigger(watch), args=(watch_id,), id=watch_id, name=watch_id)
        else:
            scheduler.reschedule_job(watch_id, trigger=trigger(watch))


@contextmanager
def open_store(settings: Settings, *, existing: bool = False) -> Iterator[Any]:
    """Open the store; a database that cannot be opened is a configuration problem (exit 2).

    `existing`: for read-only commands, which never create a database: one that is missing
    (or was never crawled into) is a configuration error naming it."""
    from snapshots import Store, history_exists
    from snapshots.engine import safe_url

    try:
        if existing and not history_exists(settings.db_url):
            shown = safe_url(settings.db_url)
            raise ConfigError(f"no database at {shown}: crawl first (citywatch crawl --db {shown})")
        store = Store(settings.db_url)
    except StorageError as exc:
        line = exc.one_line()
        prefix = "" if line.startswith("cannot open database") else "cannot open database: "
        raise ConfigError(prefix + line) from None
    try:
        yield store
    finally:
        store.close()


def load_watch_list(settings: Settings, *, channels: bool = False) -> Sources:
    """The watch list, its sites checked against the parsers this build knows, and with
    `channels` (commands that send alerts) its alert channels against apprise."""
    from scheduler.parse_worker import known_sites

    sources = load_sources(settings.sources_path, known_sites=known_sites())
    return check_channels(sources) if channels else sources
