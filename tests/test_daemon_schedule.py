"""The daemon's parts that need no process of their own: when each watch runs after a (re)start,
the parse pool that survives a dead worker, the deliverer's stop, and the command line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import logging
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from citywatch import defaults
from citywatch.errors import ConfigError
from citywatch.settings import Settings
from citywatch.sources import Sources, Watch, load_sources, sources_from_dict
from scheduler import service
from scheduler.daemon import (
    DaemonOptions,
    Deliverer,
    ParsePool,
    add_subcommand,
    first_run,
)
from snapshots import Store

NOW = datetime(2024, 7, 10, 12, 0, tzinfo=UTC)
HOUR = 3600.0


def test_a_watch_checked_ten_minutes_ago_runs_fifty_minutes_later() -> None:
    last = NOW - timedelta(minutes=10)
    assert first_run("saitama-history", HOUR, last, NOW) == NOW + timedelta(minutes=50)


@pytest.mark.parametrize("last", [None, NOW - timedelta(hours=5)], ids=["never", "overdue"])
def test_new_and_overdue_watches_start_soon_at_a_fixed_offset(last: datetime | None) -> None:
    start = first_run("saitama-history", HOUR, last, NOW)
    assert NOW <= start < NOW + timedelta(seconds=min(HOUR, defaults.STARTUP_SPREAD))
    assert first_run("saitama-history", HOUR, last, NOW) == start  # same after every restart
    short = first_run("saitama-history", 2.0, last, NOW)
    assert NOW <= short < NOW + timedelta(seconds=2)


def test_ten_thousand_new_watches_are_spread_over_the_window() -> None:
    starts = [first_run(f"w{i:05d}", 6 * HOUR, None, NOW) for i in range(10_000)]
    offsets = [(s - NOW).total_seconds() for s in starts]
    assert min(offsets) >= 0 and max(offsets) < defaults.STARTUP_SPREAD
    per_minute = Counter(int(o // 60) for o in offsets)
    assert len(per_minute) == 10
    assert max(per_minute.values()) < 1.2 * 10_000 / 10  # no minute takes a crowd


def square(n: int) -> int:
    return n * n


def worker_pid() -> int:
    return os.getpid()


def test_the_parse_pool_replaces_a_worker_that_died() -> None:
    pool = ParsePool(1)
    try:
        assert pool.submit(square, 7).result(timeout=60) == 49
        pid = pool.submit(worker_pid).result(timeout=10)
        assert pid != os.getpid()
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        broken = False
        while time.monotonic() < deadline and not broken:
            try:
                pool.submit(square, 2).result(timeout=10)
            except BrokenProcessPool:
                broken = True  # the parse under way when the worker died fails, once
            else:
                break
        assert pool.submit(square, 9).result(timeout=60) == 81
        assert pool.submit(worker_pid).result(timeout=10) != pid
    finally:
        pool.shutdown(wait=True)


def test_the_deliverer_stops_at_once_even_while_cities_are_being_looked_up(
    tmp_path: Path,
) -> None:
    never = _WatchedFuture()
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    with Store(url) as store:
        deliverer = Deliverer(store, Settings(db_url=url), DaemonOptions())
        deliverer.set_homes(never)
        deliverer.sources = sources_from_dict({})
        deliverer.start()
        # the deliverer is waiting on the lookup, which never ends: only `stop` can end it
        assert never.asked.wait(60), "the deliverer never waited on the lookup"
        deliverer.stop(timeout=30)
        assert not deliverer.is_alive()


class _WatchedFuture(Future[Mapping[str, str | None]]):
    """A future that never resolves and tells when someone first waits on it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = threading.Event()

    def done(self) -> bool:
        self.asked.set()
        return super().done()


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="citywatch")
    add_subcommand(parser.add_subparsers(dest="command"))
    return parser.parse_args(["daemon", *argv])


def test_the_command_line_has_defaults_and_takes_durations() -> None:
    args = parse()
    assert (args.sources, args.db, args.alert_initial) == (None, None, False)
    assert args.alert_retry == defaults.ALERT_RETRY_BASE and args.parse_workers == 1
    args = parse(
        "--sources",
        "s.toml",
        "--db",
        "sqlite:///x.db",
        "--alert-initial",
        "--alert-poll",
        "2s",
        "--alert-retry",
        "1m",
        "--parse-workers",
        "0",
    )
    assert (args.sources, args.db, args.alert_initial) == ("s.toml", "sqlite:///x.db", True)
    assert (args.alert_poll, args.alert_retry, args.parse_workers) == (2.0, 60.0, 0)


@pytest.mark.parametrize("bad", [["--alert-retry", "0s"], ["--alert-poll", "soon"]])
def test_bad_durations_are_usage_errors(bad: list[str]) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit:
        parse(*bad)
    assert exit.value.code == 2
    assert bad[0] in err.getvalue()


def test_the_backoff_follows_the_options() -> None:
    backoff = DaemonOptions(retry_base=1.0).backoff
    assert (backoff.base, backoff.max) == (1.0, defaults.ALERT_RETRY_MAX)
    assert DaemonOptions(retry_base=10 * HOUR).backoff.max == 10 * HOUR


# --- what the daemon shares with the fleet (scheduler/service.py) --------------------------------


def watch_list(*watches: tuple[str, str]) -> str:
    """sources.toml text for (id, interval) pairs."""
    return "".join(
        f'[[watch]]\nid = "{watch_id}"\nurl = "https://www.city.saitama.lg.jp/{watch_id}.html"\n'
        f'site = "saitama"\ninterval = "{interval}"\n\n'
        for watch_id, interval in watches
    )


def test_the_watch_list_is_followed_and_a_broken_file_keeps_the_old_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(watch_list(("a", "1h")), encoding="utf-8")
    log = logging.getLogger("scheduler.test")
    applied: list[list[str]] = []

    async def apply(sources: Sources) -> None:
        applied.append([w.id for w in sources.watches])
        if len(applied) == 3:
            raise RuntimeError("a bug while applying")

    async def until(count: int) -> None:
        while len(applied) < count:
            await asyncio.sleep(0.02)

    async def scenario() -> None:
        watched = service.SourcesFile(str(path), lambda: load_sources(path), log)
        task = asyncio.create_task(watched.follow(apply))
        watched.reload.set()  # SIGHUP: read again though nothing changed
        await asyncio.wait_for(until(1), 5)
        time.sleep(0.01)  # a new mtime even on coarse clocks
        path.write_text(watch_list(("a", "1h"), ("b", "2h")), encoding="utf-8")
        await asyncio.wait_for(until(2), defaults.SOURCES_POLL + 5)  # seen by its own look
        path.write_text("[[watch]]\nid = ", encoding="utf-8")
        watched.reload.set()
        await asyncio.sleep(0.2)
        assert len(applied) == 2  # the broken file was not handed on
        path.write_text(watch_list(("c", "1h")), encoding="utf-8")
        watched.reload.set()
        await asyncio.wait_for(until(3), 5)  # apply fails: logged, and the loop goes on
        path.write_text(watch_list(("d", "1h")), encoding="utf-8")
        watched.reload.set()
        await asyncio.wait_for(until(4), 5)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.WARNING, logger="scheduler.test"):
        asyncio.run(scenario())
    assert applied == [["a"], ["a", "b"], ["c"], ["d"]]
    said = [(r.levelno, r.getMessage().split(":")[0]) for r in caplog.records]
    assert said == [
        (logging.WARNING, "keeping the previous watch list"),
        (logging.ERROR, "could not apply the new watch list; keeping the previous one"),
    ]


def test_jobs_follow_the_watch_list_and_keep_their_time_when_unchanged() -> None:
    from apscheduler.triggers.interval import IntervalTrigger

    def watches(*pairs: tuple[str, float]) -> dict[str, Watch]:
        text = sources_from_dict(
            {
                "watch": [
                    {"id": w, "url": f"https://example.org/{w}", "site": "generic", "interval": i}
                    for w, i in pairs
                ]
            }
        )
        return {w.id: w for w in text.watches}

    asked: list[str] = []

    def trigger(watch: Watch) -> IntervalTrigger:
        asked.append(watch.id)
        return IntervalTrigger(seconds=watch.interval, start_date=NOW, timezone=UTC)

    async def job(watch_id: str) -> None:
        raise AssertionError("never run: the scheduler is not started")

    scheduler = service.interval_scheduler()
    first = watches(("a", 60), ("b", 60))
    service.sync_jobs(scheduler, {}, first, trigger, job)
    assert sorted(j.id for j in scheduler.get_jobs()) == ["a", "b"] and sorted(asked) == ["a", "b"]
    asked.clear()
    second = watches(("a", 120), ("b", 60), ("c", 60))  # a's interval changed, c is new
    service.sync_jobs(scheduler, first, second, trigger, job)
    assert sorted(asked) == ["a", "c"]
    service.sync_jobs(scheduler, second, watches(("a", 120)), trigger, job)
    jobs = scheduler.get_jobs()
    assert [(j.id, j.args, j.trigger.interval.total_seconds()) for j in jobs] == [
        ("a", ("a",), 120.0)
    ]


def test_the_daemon_and_a_fleet_worker_validate_the_options_they_share() -> None:
    with pytest.raises(ConfigError, match="--parse-workers cannot be negative"):
        service.check_parse_workers(argparse.Namespace(parse_workers=-1))
    service.check_parse_workers(argparse.Namespace(parse_workers=0))
    assert service.duration("90s") == 90.0 and service.duration("2m") == 120.0
    for bad in ("0s", "-5s", "soon"):
        with pytest.raises(argparse.ArgumentTypeError):
            service.duration(bad)
