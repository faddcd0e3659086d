"""Fleet mode on the real PostgreSQL: the slot clock, the queue's deduplication, the check task,
stalled-job recovery, fleet status, and a whole fleet (one scheduler, three worker processes,
a second scheduler started by mistake, a worker killed with SIGKILL) against a local site.

Every test gets a database of its own (CREATE DATABASE, dropped afterwards): the queue's
LISTEN/NOTIFY channels are per database, so schemas would not keep fleets apart."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

from citywatch import defaults
from citywatch.channels import channel_ref
from citywatch.errors import ConfigError, StorageError
from citywatch.settings import Settings
from citywatch.sources import load_sources
from scheduler.cli import main as cli_main
from scheduler.fleet import commands as fleet
from scheduler.fleet.queue import (
    build_app,
    enqueue_check,
    libpq_url,
    prepare_database,
    require_postgres,
    retry_stalled,
)
from scheduler.fleet.scheduler import SchedulerOptions
from scheduler.fleet.slots import phase, plan_watch, slot_length, slot_start
from scheduler.fleet.status import fleet_status
from scheduler.fleet.tasks import CheckNotStored, RetryCheck, WorkerRuntime
from scheduler.fleet.worker import WorkerOptions, run_worker
from snapshots import Store
from tests.support.db import PG_URL, pg_admin_url, postgres_unavailable
from tests.support.httpserver import Exchange, Response, TestServer
from tests.support.webhook import Webhook

REPO = Path(__file__).resolve().parents[1]


# --- the local site: small pages in the Saitama template ------------------------------------


def saitama_page(index: int, version: int = 0) -> bytes:
    """Page `index` with one visit, plus one more per version (a city reporting a new trip)."""
    sections = []
    for month in range(1 + version, 0, -1):
        sections.append(
            f"<h2>令和5年{month}月</h2>\n<h3>都市間連携に関する協議({index}-{month})</h3>\n"
            f"<p>1　日　　　時　令和5年{month}月{10 + index % 15}日(火曜日)<br>\n"
            "2　出 席 者　大宮一郎 さいたま市長<br>\n"
            "3　場　　　所　マレーシア・クアラルンプール市</p>\n"
            "<p>両市のこれまでの交流を振り返り、今後の協力について意見交換を行いました。</p>\n"
        )
    return (
        '<!DOCTYPE html>\n<html lang="ja">\n<head><meta charset="utf-8">'
        f"<title>さいたま市／国際交流の取組({index})</title></head>\n<body>\n"
        '<div id="content_area"><div id="contents">\n'
        f'<p class="page_number">更新日付：2024年4月4日 / ページ番号：C{100000 + index}</p>\n'
        f'<div id="content_ttl_area"><h1>国際交流の取組({index})</h1></div>\n'
        '<div class="content_in"><!--WYSIWYG--><div class="wysiwyg_area">\n'
        + "".join(sections)
        + "</div><!--/WYSIWYG--></div></div></div>\n</body>\n</html>\n"
    ).encode()


def watch_id(index: int) -> str:
    return f"city-{index:03d}"


class Site:
    """`n` pages on the test server, each answered after `delay` seconds (a real network's
    latency, so that every worker always has checks in flight), with ETags and 304s."""

    def __init__(self, server: TestServer, n: int, delay: float = 0.0) -> None:
        self.server = server
        self.n = n
        self.delay = delay
        self._lock = threading.Lock()
        self._pages = {i: Response(body=saitama_page(i)) for i in range(n)}
        server.set("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        server.route("/p/", self._answer, prefix=True)

    def path(self, index: int) -> str:
        return f"/p/{index}.html"

    def _answer(self, exchange: Exchange) -> Response:
        index = int(exchange.request.route_path.removeprefix("/p/").removesuffix(".html"))
        if self.delay:
            exchange.pause(self.delay)
        with self._lock:
            return self._pages[index]

    def publish(self, indices: range, version: int) -> None:
        with self._lock:
            for i in indices:
                self._pages[i] = Response(body=saitama_page(i, version))

    def sources(self, *, interval: str = "1h", hooks: tuple[str, ...] = (), feed: str = "") -> str:
        lines = [
            "[defaults]",
            f'interval = "{interval}"',
            "per_host_delay = 0",
            "per_host_concurrency = 32",
            "allow_private = true",
            "retries = 1",
            'timeout = "10s"',
            "",
        ]
        for i in range(self.n):
            lines += [
                "[[watch]]",
                f'id = "{watch_id(i)}"',
                f'url = "{self.server.url(self.path(i))}"',
                'site = "saitama"',
                'city = "saitama"',
                "",
            ]
        if hooks or feed:
            lines += ["[alerts]", f"urls = [{', '.join(repr(h) for h in hooks)}]"]
            # pages sharing a day tell of one trip: a page's news is a new event or a new source
            lines.append('alert_on = ["event_added", "event_source_added", "event_changed"]')
            if feed:
                lines.append(f'feed = "{feed}"')
        return "\n".join(lines) + "\n"


# --- a database of its own ---------------------------------------------------------------------


def _need_postgres() -> None:
    reason = postgres_unavailable()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)")
    pytest.skip(reason)


@pytest.fixture
def fleet_db() -> Iterator[str]:
    """A fresh PostgreSQL database for one fleet, dropped afterwards (with its connections)."""
    _need_postgres()
    name = f"citywatch_fleet_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(pg_admin_url(), autocommit=True) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            conn.execute(drop)


def query(db_url: str, text: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(libpq_url(db_url), autocommit=True) as conn:
        cursor = conn.execute(text, params)
        return cursor.fetchall() if cursor.description else []


# --- the clock ---------------------------------------------------------------------------------


def test_a_watch_has_one_slot_per_interval_at_a_phase_fixed_by_its_id() -> None:
    at = datetime(2025, 3, 1, 12, 0, 7, tzinfo=UTC)
    start = slot_start("saitama-history", 10, at)
    assert start % 10 == phase("saitama-history", 10) == phase("saitama-history", 10.2)
    assert start <= at.timestamp() < start + 10
    assert slot_start("saitama-history", 10, start) == start
    assert slot_start("saitama-history", 10, start + 9.5) == start
    assert slot_start("saitama-history", 10, start + 10) == start + 10
    assert slot_length(0.2) == 1 and slot_length(21600.0) == 21600
    phases = {phase(watch_id(i), 3600) for i in range(300)}
    assert len(phases) > 250  # spread over the interval, not in step


def test_the_schedule_comes_from_the_last_check() -> None:
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
    current = slot_start("w", 600, now)
    never = plan_watch("w", 600, None, now)
    assert (never.now, never.next_start, never.length) == (current, current + 600, 600)
    done = plan_watch("w", 600, datetime.fromtimestamp(current + 1, UTC), now)
    assert done.now is None and done.next_start == current + 600
    overdue = plan_watch("w", 600, now - timedelta(days=2), now)
    assert overdue.now == current


def test_fleet_mode_needs_postgresql_and_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ConfigError, match="PostgreSQL"):
        require_postgres("sqlite:///citywatch.db")
    assert require_postgres("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert libpq_url("postgresql+psycopg://u:pw@h:5433/db?options=-csearch_path%3Dx") == (
        "postgresql://u:pw@h:5433/db?options=-csearch_path%3Dx"
    )
    for command in ("scheduler", "worker"):
        assert cli_main([command, "--db", "sqlite:///x.db"]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "PostgreSQL" in err


def test_the_fleet_commands_take_their_defaults_from_the_defaults_module() -> None:
    parser = argparse.ArgumentParser(prog="citywatch")
    fleet.add_subcommands(parser.add_subparsers(dest="command"))
    scheduler = parser.parse_args(["scheduler"])
    options = SchedulerOptions()
    assert (scheduler.stalled_after, scheduler.sweep, scheduler.alert_poll) == (
        options.stalled_after,
        options.sweep_every,
        options.alert_poll,
    )
    assert scheduler.alert_retry == options.retry_base == defaults.ALERT_RETRY_BASE
    assert options.forget_after == max(defaults.FLEET_FORGET_AFTER, 10 * options.stalled_after)
    worker = parser.parse_args(["worker"])
    known = WorkerOptions()
    assert (worker.concurrency, worker.parse_workers, worker.heartbeat, worker.graceful) == (
        known.concurrency,
        known.parse_workers,
        known.heartbeat,
        known.graceful,
    )
    assert worker.stalled_after == known.stalled_after == defaults.FLEET_STALLED_AFTER
    assert (known.concurrency, known.heartbeat) == (
        defaults.FLEET_WORKER_CONCURRENCY,
        defaults.FLEET_HEARTBEAT,
    )
    assert worker.heartbeat * 2 <= worker.stalled_after  # the defaults pass their own check
    worker = parser.parse_args(
        ["worker", "--heartbeat", "1s", "--graceful", "1m", "--parse-workers", "0"]
    )
    assert (worker.heartbeat, worker.graceful, worker.parse_workers) == (1.0, 60.0, 0)
    with pytest.raises(SystemExit):
        parser.parse_args(["scheduler", "--sweep", "0s"])


def test_retries_cover_cut_short_and_unstored_checks_only() -> None:
    from procrastinate.jobs import Job

    job = Job(id=1, queue="q", lock=None, queueing_lock=None, task_name="t", attempts=0)
    strategy = RetryCheck()
    assert strategy.get_retry_decision(exception=asyncio.CancelledError(), job=job) is not None
    assert strategy.get_retry_decision(exception=CheckNotStored("x"), job=job) is not None
    assert strategy.get_retry_decision(exception=StorageError("db away"), job=job) is not None
    assert strategy.get_retry_decision(exception=ValueError("bug"), job=job) is None
    tired = Job(id=1, queue="q", lock=None, queueing_lock=None, task_name="t", attempts=5)
    assert strategy.get_retry_decision(exception=CheckNotStored("x"), job=tired) is None


def test_a_worker_rereads_the_watch_list_when_it_changes(
    server: TestServer, tmp_path: Path
) -> None:
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text(Site(server, 2).sources(), encoding="utf-8")
    crawler = SimpleNamespace(sources=load_sources(sources_file))
    runtime = WorkerRuntime(
        store=None,  # type: ignore[arg-type]
        crawler=crawler,  # type: ignore[arg-type]
        fetcher=None,  # type: ignore[arg-type]
        load=lambda: load_sources(sources_file),
        sources_path=str(sources_file),
    )
    assert runtime.watch(watch_id(1)) is not None and runtime.watch(watch_id(4)) is None
    sources_file.write_text(Site(server, 5).sources(), encoding="utf-8")
    found = runtime.watch(watch_id(4))
    assert found is not None and found.url.endswith("/p/4.html")
    assert any(w.id == watch_id(4) for w in crawler.sources.watches)
    sources_file.write_text("[[watch]]\nid = ", encoding="utf-8")  # broken: keep the old list
    assert runtime.watch(watch_id(4)) is not None


# --- the queue ---------------------------------------------------------------------------------


@pytest.mark.postgres
def test_two_schedulers_enqueue_a_slot_once_even_after_it_ran(fleet_db: str) -> None:
    prepare_database(fleet_db)
    prepare_database(fleet_db)  # a second process starting finds everything in place

    async def scenario() -> list[int | None]:
        first, second = build_app(fleet_db), build_app(fleet_db)
        async with first.open_async(), second.open_async():
            together = await asyncio.gather(
                *(enqueue_check(app, "city-001", 1_700_000_000) for app in (first, second) * 3)
            )
            query(fleet_db, "UPDATE procrastinate_jobs SET status = 'succeeded'")
            late = await enqueue_check(second, "city-001", 1_700_000_000)
            following = await enqueue_check(first, "city-001", 1_700_000_600)
            other = await enqueue_check(second, "city-002", 1_700_000_000)
        return [*together, late, following, other]

    results = asyncio.run(scenario())
    assert sum(r is not None for r in results[:6]) == 1
    assert results[6] is None  # the slot ran already: still refused
    assert results[7] is not None and results[8] is not None
    rows = query(fleet_db, "SELECT args->>'watch_id', args->>'timestamp' FROM procrastinate_jobs")
    assert Counter(rows) == {
        ("city-001", "1700000000"): 1,
        ("city-001", "1700000600"): 1,
        ("city-002", "1700000000"): 1,
    }


@pytest.mark.postgres
def test_the_scheduler_enqueues_a_failing_watchs_check_on_the_retry_backoff(
    fleet_db: str, tmp_path: Path
) -> None:
    from citywatch.sources import sources_from_dict
    from scheduler.fleet.scheduler import FleetScheduler
    from snapshots.types import CheckInput

    prepare_database(fleet_db)
    page = {"url": "http://127.0.0.1:9/", "site": "generic", "interval": "1d"}
    sources = sources_from_dict(
        {"watch": [{**page, "id": "failing"}, {**page, "id": "fine", "url": page["url"] + "x"}]}
    )
    failed_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=6)
    settings = Settings(db_url=fleet_db, sources_path=str(tmp_path / "sources.toml"))

    async def scenario(store: Store) -> tuple[int, int]:
        app = build_app(fleet_db)
        async with app.open_async():
            fleet_scheduler = FleetScheduler(
                settings, SchedulerOptions(alerts=False), sources, store, app, lambda: sources
            )
            fleet_scheduler.watches = {w.id: w for w in sources.watches}
            await fleet_scheduler._retry_failed()
            await fleet_scheduler._retry_failed()  # polled again before the retry ran
        return fleet_scheduler.enqueued, fleet_scheduler.duplicates

    with Store(fleet_db) as store:
        for wid, url, outcome in (
            ("failing", page["url"], "failed"),
            ("fine", page["url"] + "x", "unchanged"),
        ):
            check = CheckInput(wid, url, "generic", failed_at, failed_at, outcome, error="down")
            store.record_check(check)
        assert asyncio.run(scenario(store)) == (1, 1)
    rows = query(fleet_db, "SELECT args->>'watch_id', args->>'timestamp' FROM procrastinate_jobs")
    # Five minutes after the failure, not a day: the daemon's first retry step.
    assert rows == [("failing", str(int(failed_at.timestamp()) + 300))]


@pytest.mark.postgres
def test_the_checks_of_a_silent_worker_go_back_to_the_queue(fleet_db: str) -> None:
    prepare_database(fleet_db)
    dead = query(
        fleet_db,
        "INSERT INTO procrastinate_workers (last_heartbeat) "
        "VALUES (now() - interval '1 hour') RETURNING id",
    )[0][0]
    alive = query(fleet_db, "INSERT INTO procrastinate_workers DEFAULT VALUES RETURNING id")[0][0]

    async def scenario() -> int:
        app = build_app(fleet_db)
        async with app.open_async():
            for n, worker in ((1, dead), (2, alive)):
                await enqueue_check(app, f"city-00{n}", 1_700_000_000)
                query(
                    fleet_db,
                    "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s "
                    "WHERE args->>'watch_id' = %s",
                    worker,
                    f"city-00{n}",
                )
            status = fleet_status(fleet_db)
            assert status.stalled == 1 and status.doing == 2 and status.alive_workers == 1
            return await retry_stalled(app, stalled_after=4, forget_after=60)

    assert asyncio.run(scenario()) == 1
    rows = dict(
        query(
            fleet_db, "SELECT args->>'watch_id', status::text || attempts FROM procrastinate_jobs"
        )
    )
    assert rows == {"city-001": "todo1", "city-002": "doing0"}
    workers = [r[0] for r in query(fleet_db, "SELECT id FROM procrastinate_workers")]
    assert workers == [alive]  # the silent one is forgotten


def _drain(db_url: str, sources_file: Path) -> None:
    """Run an in-process worker until the queue is empty."""
    settings = Settings(db_url=db_url, sources_path=str(sources_file))
    options = WorkerOptions(concurrency=4, parse_workers=0, keep_jobs=True, drain=True)
    assert asyncio.run(run_worker(settings, options)) == 0


@pytest.mark.postgres
def test_a_check_task_runs_the_crawler_once_per_slot(
    fleet_db: str, server: TestServer, tmp_path: Path
) -> None:
    site = Site(server, 3)
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text(site.sources(interval="10m"), encoding="utf-8")
    prepare_database(fleet_db)
    slot = slot_start(watch_id(0), 600, datetime.now(UTC))

    async def enqueue(*pairs: tuple[str, int]) -> None:
        app = build_app(fleet_db)
        async with app.open_async():
            for watch, at in pairs:
                await enqueue_check(app, watch, at)

    asyncio.run(enqueue((watch_id(0), slot), (watch_id(1), slot), ("gone-from-the-list", slot)))
    _drain(fleet_db, sources_file)
    with Store(fleet_db) as store:
        assert len(store.checks(watch_id(0))) == 1
        assert store.checks(watch_id(0))[0].outcome == "changed"
        assert store.current_records(watch=watch_id(0))
    # The same slot again, as a worker killed between commit and acknowledgement leaves it:
    query(fleet_db, "DELETE FROM procrastinate_periodic_defers")
    asyncio.run(enqueue((watch_id(0), slot)))
    _drain(fleet_db, sources_file)
    with Store(fleet_db) as store:
        assert len(store.checks(watch_id(0))) == 1
    states = query(fleet_db, "SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY 1")
    assert dict(states) == {"succeeded": 4}
    assert server.count(site.path(0)) == 1


@pytest.mark.postgres
def test_fleet_status_shows_workers_depth_and_lag(
    fleet_db: str, server: TestServer, tmp_path: Path
) -> None:
    site = Site(server, 4)
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text(site.sources(interval="10m"), encoding="utf-8")
    watches = load_sources(sources_file)
    prepare_database(fleet_db)
    old = slot_start(watch_id(0), 600, datetime.now(UTC)) - 1200

    async def enqueue() -> None:
        app = build_app(fleet_db)
        async with app.open_async():
            await enqueue_check(app, watch_id(0), old)

    asyncio.run(enqueue())
    query(fleet_db, "INSERT INTO procrastinate_workers DEFAULT VALUES")
    status = fleet_status(fleet_db, watches)
    shown = status.to_dict()
    assert shown["alive_workers"] == 1 and shown["queue"]["todo"] == 1
    assert 1200 <= shown["lag_seconds"] < 1800  # due since its slot began, 20 minutes back
    assert shown["watches"]["watches"] == 4 and shown["watches"]["missed"] == 4
    assert "1 of 1 workers alive; queue 1 waiting" in status.lines()[0]
    _drain(fleet_db, sources_file)
    after = fleet_status(fleet_db, watches)
    assert after.todo == 0 and after.lag_seconds == 0
    assert after.watches is not None and after.watches.checked == 1
    assert "1 of 4 checked this interval" in after.lines()[-1]


# --- a whole fleet -----------------------------------------------------------------------------


@dataclass
class Proc:
    """One fleet process (its own session, so teardown can end its parse children too)."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    ended_on_purpose: bool = False

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Fleet:
    db_url: str
    sources_file: Path
    tmp: Path
    procs: list[Proc] = field(default_factory=list)

    def start(self, command: str, name: str, *extra: str) -> Proc:
        log_path = self.tmp / f"{name}.log"
        args = [
            sys.executable,
            "-m",
            "scheduler.cli",
            command,
            "--db",
            self.db_url,
            "--sources",
            str(self.sources_file),
            "--stalled-after",
            "4s",
            *extra,
        ]
        with log_path.open("wb") as log:
            popen = subprocess.Popen(
                args,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "CITYWATCH_FEED": str(self.tmp / "feed.atom")},
            )
        proc = Proc(name, popen, log_path)
        self.procs.append(proc)
        return proc

    def worker(self, name: str) -> Proc:
        return self.start(
            "worker",
            name,
            "--heartbeat",
            "1s",
            "--concurrency",
            "16",
            "--parse-workers",
            "0",
            "--keep-jobs",
            "--name",
            name,
        )

    def scheduler(self, name: str) -> Proc:
        return self.start(
            "scheduler", name, "--sweep", "1s", "--alert-poll", "1s", "--alert-retry", "2s"
        )

    def kill(self, proc: Proc) -> None:
        proc.ended_on_purpose = True
        os.kill(proc.popen.pid, signal.SIGKILL)

    def stop(self, proc: Proc, timeout: float = 30.0) -> int:
        proc.ended_on_purpose = True
        if proc.alive():
            proc.popen.send_signal(signal.SIGTERM)
        return proc.popen.wait(timeout)

    def close(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.popen.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(10)

    def wait_until(self, what: str, test: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if test():
                return
            for proc in self.procs:
                if not proc.alive() and not proc.ended_on_purpose:
                    pytest.fail(f"{proc.name} exited early:\n{proc.log()[-3000:]}")
            time.sleep(0.1)
        logs = "\n".join(f"--- {p.name}\n{p.log()[-2000:]}" for p in self.procs)
        pytest.fail(f"timed out waiting for {what}\n{logs}")


N_WATCHES = 300
INTERVAL = 10
UNFINISHED = "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"


def _doing_by_worker(db_url: str) -> dict[int, set[int]]:
    rows = query(
        db_url, "SELECT worker_id, id FROM procrastinate_jobs WHERE status = 'doing' ORDER BY 1"
    )
    found: dict[int, set[int]] = {}
    for worker, job in rows:
        found.setdefault(worker, set()).add(job)
    return found


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(280)
def test_a_fleet_checks_every_watch_once_per_interval_through_a_kill_and_a_second_scheduler(
    fleet_db: str, server: TestServer, tmp_path: Path
) -> None:
    site = Site(server, N_WATCHES, delay=0.2)
    with Webhook() as hook:
        sources_file = tmp_path / "sources.toml"
        text = site.sources(
            interval=f"{INTERVAL}s", hooks=(hook.apprise_url,), feed=str(tmp_path / "feed.atom")
        )
        sources_file.write_text(text, encoding="utf-8")
        prepare_database(fleet_db)
        rig = Fleet(fleet_db, sources_file, tmp_path)
        try:
            _run_fleet(rig, site, hook)
        finally:
            rig.close()


def _slot_counts(store: Store, began: float, ended: float) -> tuple[int, list[str]]:
    """Whole slots between `began` and `ended` counted over all watches, and the problems:
    a whole slot without exactly one check, or any slot (the cold start's too) with two."""
    whole = 0
    problems = []
    for i in range(N_WATCHES):
        wid = watch_id(i)
        started = sorted(row.started_at.timestamp() for row in store.checks(wid))
        slots = Counter(slot_start(wid, INTERVAL, at) for at in started)
        first = slot_start(wid, INTERVAL, began) + INTERVAL
        last = slot_start(wid, INTERVAL, ended) - INTERVAL
        wanted = range(first, last + 1, INTERVAL)
        whole += len(wanted)
        bad = [s for s in wanted if slots[s] != 1] + [s for s, n in slots.items() if n > 1]
        for slot in sorted(set(bad)):
            times = ", ".join(f"{at - began:+.2f}" for at in started)
            problems.append(
                f"{wid}: {slots[slot]} checks in the slot at {slot - began:+.2f}s (checks {times})"
            )
    return whole, problems


def _count(db_url: str, text: str) -> int:
    return int(query(db_url, text)[0][0])


def _requeued(scheduler: Proc) -> set[tuple[int, int]]:
    """The (worker, job) pairs this scheduler put back in the queue, as its log says."""
    found = re.findall(r"requeued \S+ \(job (\d+)\): its worker (\d+) stopped", scheduler.log())
    return {(int(worker), int(job)) for job, worker in found}


def _enqueued_past(db_url: str, ended: float) -> bool:
    """Whether every watch's check for the slot after `ended` is enqueued: then every slot
    up to `ended` was, even if the scheduler's timer fired late."""
    rows = query(
        db_url,
        "SELECT args->>'watch_id', max((args->>'timestamp')::bigint) FROM procrastinate_jobs "
        "GROUP BY 1",
    )
    newest = {wid: int(ts) for wid, ts in rows}
    return all(
        newest.get(watch_id(i), 0) >= slot_start(watch_id(i), INTERVAL, ended)
        for i in range(N_WATCHES)
    )


def _run_fleet(rig: Fleet, site: Site, hook: Webhook) -> None:
    db = rig.db_url
    workers = [rig.worker(f"w{n}") for n in (1, 2, 3)]
    rig.wait_until(
        "three workers", lambda: _count(db, "SELECT count(*) FROM procrastinate_workers") == 3, 90
    )
    first = rig.scheduler("s1")
    # A cold start parses and stores 300 baselines: let it catch up, then measure a minute.
    rig.wait_until(
        "every watch's baseline",
        lambda: (
            _count(db, "SELECT count(*) FROM pages WHERE last_checked_at IS NOT NULL") == N_WATCHES
        ),
        60,
    )
    began = time.time()

    def at(seconds: float) -> None:
        time.sleep(max(0.0, began + seconds - time.time()))

    at(10)
    site.publish(range(0, 20), version=1)  # 20 pages report a new trip

    # SIGKILL one worker while every worker has checks in flight.
    at(20)
    rig.wait_until("checks in flight on every worker", lambda: len(_doing_by_worker(db)) == 3, 60)
    rig.kill(workers[1])
    workers[1].popen.wait(30)
    killed_at = time.time()
    # What the kill cut short is what a scheduler put back: the sweep decides it once the
    # worker has been silent for --stalled-after, when any commit it had sent has landed.
    rig.wait_until("the killed worker's checks put back", lambda: _requeued(first), 60)

    at(30)
    second = rig.scheduler("s2")  # started by mistake
    at(35)
    site.publish(range(20, 40), version=1)
    at(60)
    ended = time.time()

    # Let the last slots finish and the alerts go out, then stop everything.
    hook.wait_for(40, timeout=60)
    rig.wait_until(
        "every watch's slot after the end enqueued", lambda: _enqueued_past(db, ended), 60
    )
    assert rig.stop(first) == 0 and rig.stop(second) == 0
    rig.wait_until(
        "an empty queue",
        lambda: _count(db, UNFINISHED) == 0,
        60,
    )
    for proc in (workers[0], workers[2]):
        assert rig.stop(proc) == 0

    # The killed worker is the one whose heartbeat stopped; its checks ran on the others.
    silent = query(
        db,
        "SELECT id FROM procrastinate_workers WHERE last_heartbeat < %s",
        datetime.fromtimestamp(killed_at + 2, UTC),
    )
    assert len(silent) == 1, silent
    put_back = _requeued(first) | _requeued(second)
    assert {worker for worker, _ in put_back} == {silent[0][0]}, put_back
    cut_short = [job for _, job in put_back]
    assert cut_short, "the kill should hit checks in flight"
    redone = query(
        db,
        "SELECT id, status::text, attempts, worker_id FROM procrastinate_jobs WHERE id = ANY(%s)",
        list(cut_short),
    )
    assert all(status == "succeeded" and attempts >= 1 for _, status, attempts, _ in redone)
    assert all(worker != silent[0][0] for *_, worker in redone)

    # Nothing enqueued twice, although the second scheduler tried.
    twice = query(
        db,
        "SELECT args->>'watch_id', args->>'timestamp', count(*) FROM procrastinate_jobs "
        "GROUP BY 1, 2 HAVING count(*) > 1",
    )
    assert twice == []
    refused = re.search(r"(\d+) checks enqueued, (\d+) already there", second.log())
    assert refused is not None and int(refused.group(2)) > 0, second.log()[-2000:]
    failed = query(db, "SELECT count(*) FROM procrastinate_jobs WHERE status <> 'succeeded'")
    assert failed == [(0,)]

    # Every watch checked in every interval, none twice.
    with Store(db) as store:
        whole_slots, problems = _slot_counts(store, began, ended)
        assert not problems, "\n".join(problems[:10])
        assert whole_slots >= 4 * N_WATCHES

        # Each changed page alerted exactly once, through the outbox, fleet-wide.
        rows = [d for d in store.deliveries() if d.channel == channel_ref(hook.apprise_url)]
    assert len(rows) == 40 and all(d.delivered_at is not None for d in rows)
    titles = Counter(
        re.search(r"on (city-\d+)", r.json()["title"]).group(1)  # type: ignore[union-attr]
        for r in hook.accepted
    )
    assert titles == Counter({watch_id(i): 1 for i in range(40)})
