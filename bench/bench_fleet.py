"""Fleet throughput: checks per second with 1, 2 and 3 worker processes (issue 10).

Capacity, not schedule: a whole round of checks (one per watch) is enqueued at once and timed
until the queue is empty, so the number is what K workers can do, not the 30 checks/s that
300 watches at 10 s ask for. Two rounds per K, each in a fresh PostgreSQL database:

- cold: every watch's first check (fetch 20-40 KB, parse, store the baseline);
- warm: the next round, nothing changed (conditional GET answered 304, one check row).

The site is bench.site (its own process, pre-rendered Saitama-template pages, keep-alive,
ETags); workers are real `python -m scheduler.cli worker` processes with one parse process
each. Prints a markdown table for bench/RESULTS.md.

    python -m bench.bench_fleet [--watches 600] [--workers 1,2,3] [--concurrency 8]
                                [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
import sqlalchemy as sa
from psycopg import sql

from bench.machine import describe
from bench.site import SiteProcess
from scheduler.fleet.queue import build_app, enqueue_check, libpq_url, prepare_database

__all__ = ["FleetRun", "main", "markdown", "measure"]

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNFINISHED = "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"


@dataclass(frozen=True, slots=True)
class FleetRun:
    """One K: the rounds' sizes and wall times (enqueue to empty queue)."""

    workers: int
    watches: int
    cold_seconds: float
    warm_seconds: float
    checks: int  # check rows written over both rounds (should be 2 x watches)
    load: float  # the machine's 1-minute load average when the rounds ended

    @property
    def cold_rate(self) -> float:
        return self.watches / self.cold_seconds

    @property
    def warm_rate(self) -> float:
        return self.watches / self.warm_seconds


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    admin = sa.make_url(server_url).set(drivername="postgresql")
    name = f"citywatch_bench_fleet_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _count(db_url: str, query: str) -> int:
    with psycopg.connect(libpq_url(db_url), autocommit=True) as conn:
        row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def _sources(site: SiteProcess, path: Path) -> None:
    lines = [
        "[defaults]",
        'interval = "1h"',
        "per_host_delay = 0",
        "per_host_concurrency = 64",
        "allow_private = true",
        "retries = 1",
        "",
    ]
    for i, url in enumerate(site.urls()):
        lines += [f'[[watch]]\nid = "bench-{i:05d}"\nurl = "{url}"\nsite = "saitama"']
        lines += ['city = "saitama"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


async def _enqueue_round(db_url: str, watches: int, slot: int) -> None:
    app = build_app(db_url, pool_size=8)
    async with app.open_async():
        ids = [f"bench-{i:05d}" for i in range(watches)]
        for start in range(0, watches, 50):
            await asyncio.gather(*(enqueue_check(app, w, slot) for w in ids[start : start + 50]))


def _round(db_url: str, watches: int, timeout: float) -> float:
    # A worker skips a check whose watch was checked since its slot began, so a round's slot
    # must begin after every check of the round before it started: the next whole second.
    slot = math.ceil(time.time())
    time.sleep(max(0.0, slot - time.time()))
    began = time.perf_counter()
    asyncio.run(_enqueue_round(db_url, watches, slot))
    deadline = time.monotonic() + timeout
    while _count(db_url, UNFINISHED):
        if time.monotonic() > deadline:
            raise RuntimeError("the fleet did not empty the queue in time")
        time.sleep(0.05)
    return time.perf_counter() - began


def _start_workers(
    k: int, db_url: str, sources: Path, concurrency: int, logs: Path
) -> list[subprocess.Popen[bytes]]:
    procs = []
    for n in range(k):
        with (logs / f"worker-{n}.log").open("wb") as log:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "scheduler.cli",
                        "worker",
                        "--db",
                        db_url,
                        "--sources",
                        str(sources),
                        "--concurrency",
                        str(concurrency),
                        "--parse-workers",
                        "1",
                    ],
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    return procs


def _stop(procs: Sequence[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        with suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def measure_one(
    k: int, site: SiteProcess, server_url: str, concurrency: int, work: Path
) -> FleetRun:
    with scratch_database(server_url) as db_url:
        sources = work / f"sources-{k}.toml"
        _sources(site, sources)
        prepare_database(db_url)
        procs = _start_workers(k, db_url, sources, concurrency, work)
        try:
            deadline = time.monotonic() + 180
            while _count(db_url, "SELECT count(*) FROM procrastinate_workers") < k:
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise RuntimeError(f"workers did not start; see {work}")
                time.sleep(0.2)
            cold = _round(db_url, site.n, timeout=900)
            warm = _round(db_url, site.n, timeout=900)
            checks = _count(db_url, "SELECT count(*) FROM checks")
        finally:
            _stop(procs)
    return FleetRun(k, site.n, cold, warm, checks, os.getloadavg()[0])


def measure(
    workers: Sequence[int] = (1, 2, 3),
    watches: int = 600,
    concurrency: int = 8,
    server_url: str = PG,
) -> list[FleetRun]:
    """Run the rounds for each K; the site is shared, every K gets a fresh database."""
    runs = []
    with (
        tempfile.TemporaryDirectory(prefix="citywatch-bench-fleet-") as tmp,
        SiteProcess(watches) as site,
    ):
        for k in workers:
            runs.append(measure_one(k, site, server_url, concurrency, Path(tmp)))
            print(f"# {k} worker(s) done", file=sys.stderr, flush=True)
    return runs


def markdown(
    runs: Sequence[FleetRun], concurrency: int, load: tuple[float, float, float] | None = None
) -> str:
    """The results as a markdown table, with the machine they were measured on."""
    lines = [
        f"Fleet throughput: {runs[0].watches} watches, each round enqueued at once and timed to "
        f"an empty queue; workers with --concurrency {concurrency} and one parse process each.",
        "",
        "| workers | cold checks/s (fetch, parse, baseline) | warm checks/s (304, unchanged) "
        "| cold round | warm round | load average |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        lines.append(
            f"| {run.workers} | {run.cold_rate:.1f} | {run.warm_rate:.1f} "
            f"| {run.cold_seconds:.1f} s | {run.warm_seconds:.1f} s | {run.load:.1f} |"
        )
    machine = describe()
    pg = ""
    with suppress(psycopg.Error), psycopg.connect(libpq_url(PG), connect_timeout=3) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        pg = f", PostgreSQL {row[0]}" if row else ""
    busy = "" if load is None else f"; load average before the run {load[0]:.1f}"
    lines += [
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']}, "
        f"{machine['python']}{pg}{busy}.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watches", type=int, default=600)
    parser.add_argument("--workers", default="1,2,3", help="comma-separated worker counts")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pg", default=PG, help="PostgreSQL server URL (a database is made)")
    args = parser.parse_args(argv)
    ks = [int(k) for k in args.workers.split(",")]
    load = os.getloadavg()
    runs = measure(ks, args.watches, args.concurrency, args.pg)
    print(markdown(runs, args.concurrency, load))
    short = [r for r in runs if r.checks != 2 * r.watches]
    if short:
        print(f"\nWARNING: check rows differ from 2 x watches: {short}", file=sys.stderr)


if __name__ == "__main__":
    main()
